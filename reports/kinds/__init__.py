"""The kinds of report: each one names its parameters and yields its tables.

A kind aggregates in SQL and hands the writers row iterators, so a report of any size streams
from the database to its file. Add a kind by subclassing ``ReportKind`` and decorating it with
``@register``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party


@dataclass
class Column:
    key: str
    label: Any
    kind: str = "text"  # text, int, decimal, percent or date


@dataclass
class Chart:
    """A bar chart of one numeric column against a label column (PDF)."""

    label_column: int
    value_column: int
    title: Any = ""


@dataclass
class Table:
    code: str
    title: Any
    columns: list[Column]
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    count: Callable[[], int]
    chart: Chart | None = None
    notes: list[Any] = field(default_factory=list)


class ReportKind:
    code: ClassVar[str]
    title: ClassVar[Any]
    description: ClassVar[Any] = ""
    form_class: ClassVar[type[forms.Form]]

    def clean_parameters(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate the parameters; return them as JSON-friendly values, or raise."""
        form = self.form_class(data=data)
        if not form.is_valid():
            from django.core.exceptions import ValidationError

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


REGISTRY: dict[str, ReportKind] = {}


def register(cls: type[ReportKind]) -> type[ReportKind]:
    REGISTRY[cls.code] = cls()
    return cls


def get_kind(code: str) -> ReportKind:
    from django.core.exceptions import ValidationError

    try:
        return REGISTRY[code]
    except KeyError:
        raise ValidationError(
            _("Unknown report kind “%(kind)s”."), code="unknown_kind", params={"kind": code}
        ) from None


def jsonable(value: Any) -> Any:
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


class CityChoiceField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=lambda: (
                [("", _("Both cities"))]
                + [(p.code, p.name) for p in Party.objects.order_by("code")]
            ),
            required=False,
            label=_("City"),
            **kwargs,
        )


class InstitutionsForm(forms.Form):
    city = CityChoiceField()
    include_inactive = forms.BooleanField(label=_("Include inactive institutions"), required=False)


@register
class InstitutionsReport(ReportKind):
    """The register of institutions: totals by city and kind, then the full list."""

    code = "institutions"
    title = _("Register of institutions")
    description = _("Institutions by city and kind, ECOS Network membership, and the full list.")
    form_class = InstitutionsForm

    def _base(self, parameters: dict[str, Any], using: str) -> Any:
        queryset = Institution.objects.using(using)
        if not parameters.get("include_inactive"):
            queryset = queryset.filter(active=True)
        if parameters.get("city"):
            queryset = queryset.filter(party__code=parameters["city"])
        return queryset

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        kinds = dict(Institution.Kind.choices)
        base = self._base(parameters, using)
        # One GROUP BY in PostgreSQL; the list below streams with a server-side cursor.
        totals = (
            base.values("party__code", "kind")
            .annotate(total=Count("pk"), ecos=Count("pk", filter=Q(ecos_member=True)))
            .order_by("party__code", "kind")
        )

        def total_rows() -> Iterator[tuple[Any, ...]]:
            for row in totals:
                yield (
                    row["party__code"],
                    kinds.get(row["kind"], row["kind"]),
                    row["total"],
                    row["ecos"],
                )

        listing = base.select_related("party").order_by("party__code", "code")

        def list_rows() -> Iterator[tuple[Any, ...]]:
            for institution in listing.iterator(chunk_size=2000):
                yield (
                    institution.code,
                    institution.name,
                    institution.acronym,
                    kinds.get(institution.kind, institution.kind),
                    institution.party.code,
                    institution.ecos_member,
                    institution.website,
                    institution.ror_id,
                )

        return [
            Table(
                code="by_city_and_kind",
                title=_("Institutions by city and kind"),
                columns=[
                    Column("city", _("City")),
                    Column("kind", _("Kind")),
                    Column("institutions", _("Institutions"), "int"),
                    Column("ecos", _("ECOS Network members"), "int"),
                ],
                rows=total_rows,
                count=totals.count,
                chart=Chart(label_column=1, value_column=2, title=_("Institutions by kind")),
            ),
            Table(
                code="institutions",
                title=_("Institutions"),
                columns=[
                    Column("code", _("Code")),
                    Column("name", _("Name")),
                    Column("acronym", _("Acronym")),
                    Column("kind", _("Kind")),
                    Column("city", _("City")),
                    Column("ecos_member", _("ECOS Network member"), "bool"),
                    Column("website", _("Website")),
                    Column("ror_id", _("ROR identifier")),
                ],
                rows=list_rows,
                count=listing.count,
            ),
        ]


# The programme's reports register themselves on import; they need the names above.
from reports.kinds import calls, indicators, mobility, programme  # noqa: E402,F401
