"""What a kind of report is made of: its parameters, its tables, their named columns.

A kind aggregates in SQL and hands the writers row iterators, so a report of any size streams
from the database to its file. Every value of a row is named: a kind yields rows as mappings
from a column's ``key`` to its value (``Table.named``), and the table puts them in the order
of its columns. A column added to a query, or a choice added to a list that a query counts,
can therefore never move a value under another column's header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass
class Column:
    key: str
    label: Any
    kind: str = "text"  # text, int, decimal, percent, date or bool


@dataclass
class Chart:
    """A bar chart (PDF) of one numeric column against a label column, both named by key.

    Without ``points`` the bars add up the value column per label, which is right only when
    the table's rows do not overlap. A table whose rows count the same project or stay more
    than once (one row per axis, per area) gives ``points``: the distinct count per label,
    from its own statement. A hidden count (disclosure control) is never drawn.
    """

    label: str
    value: str
    title: Any = ""
    points: Callable[[], list[tuple[str, float | None]]] | None = None


@dataclass
class Table:
    """A table of a report; ``rows`` yields tuples in the order of ``columns``."""

    code: str
    title: Any
    columns: list[Column]
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    count: Callable[[], int]
    chart: Chart | None = None
    notes: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Table {self.code}: two columns share a key ({keys})")
        if self.chart and not {self.chart.label, self.chart.value} <= set(keys):
            raise ValueError(f"Table {self.code}: its chart names a column it does not have")

    @classmethod
    def named(
        cls,
        *,
        code: str,
        title: Any,
        columns: list[Column],
        rows: Callable[[], Iterable[Mapping[str, Any]]],
        count: Callable[[], int],
        chart: Chart | None = None,
        notes: list[Any] | None = None,
    ) -> Table:
        """Build a table from rows that name their values by column key.

        Each row is read by the columns' keys, so the values land under their own headers
        whatever order the query selected them in; a row without a column's key fails loudly
        (KeyError) instead of shifting the others. Keys the columns do not name are ignored.
        """
        keys = [column.key for column in columns]

        def ordered() -> Iterator[tuple[Any, ...]]:
            for row in rows():
                yield tuple(row[key] for key in keys)

        return cls(
            code=code,
            title=title,
            columns=columns,
            rows=ordered,
            count=count,
            chart=chart,
            notes=list(notes or []),
        )

    def position(self, key: str) -> int:
        """Return where the column named ``key`` stands in each row."""
        return [column.key for column in self.columns].index(key)


class ReportKind:
    """A kind of report: its code, title, parameters form and tables."""

    code: ClassVar[str]
    title: ClassVar[Any]
    description: ClassVar[Any] = ""
    form_class: ClassVar[type[forms.Form]]

    def clean_parameters(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate the parameters; return them as JSON-friendly values, or raise.

        A name the form does not take is refused by name: the form would drop it, and the run
        (or every run of a schedule) would be made with the default in its place. This is the
        one check every path goes through (the admin, the API, schedules, periodic tasks).
        """
        form = self.form_class(data=data)
        unknown = sorted(set(data) - set(form.fields))
        if unknown:
            known = ", ".join(sorted(form.fields)) or "—"
            raise ValidationError(
                [
                    ValidationError(
                        _("%(name)s: this report takes no such parameter (it takes %(known)s)."),
                        code="unknown_parameter",
                        params={"name": name, "known": known},
                    )
                    for name in unknown
                ]
            )
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data(escape_html=False))
        return {key: jsonable(value) for key, value in form.cleaned_data.items()}

    def describe(self, parameters: dict[str, Any]) -> list[tuple[Any, str]]:
        """Return the parameters as (label, value) pairs for the file's header."""
        form = self.form_class()
        return [  # in the form's order (PostgreSQL's jsonb keeps its own order of keys)
            (field_.label or key, _display(field_, parameters[key]))
            for key, field_ in form.fields.items()
            if key in parameters
        ]

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        raise NotImplementedError


def jsonable(value: Any) -> Any:
    """Return a cleaned parameter as JSON can keep it (rows by primary key, dates as text)."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):  # lists and querysets
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _display(field_: forms.Field, value: Any) -> str:
    choices = dict(getattr(field_, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value) or str(_("all"))
    if value in (None, ""):
        return str(_("all"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(choices.get(value, value))
