"""Knowledge exchange: practices per area, city and kind; transfers each way and by stage; the
models adopted. The dashboard's knowledge panels (``reports.dashboard_knowledge``) read the
same scopes, so a figure on the dashboard is the report's figure for the same period and city.

What counts (the rule, stated in the file's notes):

- a **practice** counts when it is in the library (published) and was first published in the
  period, under its primary area and its city of origin; the city parameter chooses the city
  of origin;
- a **transfer** counts when it was under way in the period (started by its end, not ended
  before its start), under its direction (the practice's city → the adopting institution's
  city) and its stage today; the city parameter chooses the adopting city (as the stays' host
  city). "Adopted in the period" counts those adopted between the period's bounds.

Counts of practices and transfers are not of people: no disclosure control is needed. The
events of the period and their attendance (people) are the dashboard's figures
(``reports.kinds.event_figures``), attendance under disclosure control.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party, StrategicArea
from knowledge.models import Practice, PracticeEvent, PracticeKind, Transfer, TransferStage
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import NONE, CityChoiceField, PeriodForm, as_date, where
from reports.kinds.event_figures import event_figures
from reports.sql import Cached, Row, table

STAGES = list(TransferStage.values)
LANGUAGES = ("es", "ca", "en")


def language() -> str:
    """The active language's code, as the translated columns name it (``es`` by default)."""
    code = (translation.get_language() or "es").split("-")[0]
    return code if code in LANGUAGES else "es"


def translated(alias: str, field: str) -> str:
    """SQL of a translated column in the active language, falling back to Spanish (required)."""
    return (
        f"COALESCE(NULLIF({alias}.{field}_{language()}, ''), NULLIF({alias}.{field}_es, ''), "
        f"{alias}.{field})"
    )


def practice_scope(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The practices counted: a WHERE on ``p`` (practice) and ``origin`` (its city)."""
    first = (
        f"(SELECT MIN(e.at) FROM {table(PracticeEvent)} e "  # noqa: S608 (names from Meta)
        "WHERE e.practice_id = p.id AND e.to_status = 'published')"
    )
    # The day in the portal's time zone, as officials read the period.
    day = f"(COALESCE({first}, p.published_at) AT TIME ZONE %s)::date"
    conditions, params = ["p.status = 'published'"], []
    if start := as_date(parameters.get("date_from")):
        conditions.append(f"{day} >= %s")
        params += [settings.TIME_ZONE, start]
    if end := as_date(parameters.get("date_to")):
        conditions.append(f"{day} <= %s")
        params += [settings.TIME_ZONE, end]
    if parameters.get("city"):
        conditions.append("origin.code = %s")
        params.append(parameters["city"])
    return where(conditions), params


def transfer_scope(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The transfers counted: a WHERE on ``t`` (transfer) and ``adopter`` (its city)."""
    conditions: list[str] = []
    params: list[Any] = []
    if end := as_date(parameters.get("date_to")):
        conditions.append("t.started_on <= %s")
        params.append(end)
    if start := as_date(parameters.get("date_from")):
        conditions.append("(t.ended_on IS NULL OR t.ended_on >= %s)")
        params.append(start)
    if parameters.get("city"):
        conditions.append("adopter.code = %s")
        params.append(parameters["city"])
    return where(conditions), params


def adopted_in_period(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL condition (on ``t``) of a transfer adopted within the period's bounds."""
    condition, params = "t.stage = 'adopted'", []
    if start := as_date(parameters.get("date_from")):
        condition += " AND t.ended_on >= %s"
        params.append(start)
    if end := as_date(parameters.get("date_to")):
        condition += " AND t.ended_on <= %s"
        params.append(end)
    return condition, params


def transfers_from() -> str:
    """The transfers joined to their practice, its city (``origin``) and the adopter's city."""
    return f"""
        FROM {table(Transfer)} t
        JOIN {table(Practice)} p ON p.id = t.practice_id
        JOIN {table(Party)} origin ON origin.id = p.origin_id
        JOIN {table(Institution)} ti ON ti.id = t.institution_id
        JOIN {table(Party)} adopter ON adopter.id = ti.party_id
    """


def stage_counts() -> str:
    """One named count per stage (``stage_interest``…) and their total, of ``t``."""
    return ", ".join(
        [
            *(f"COUNT(*) FILTER (WHERE t.stage = '{s}') AS stage_{s}" for s in STAGES),
            "COUNT(*) AS total",
        ]
    )


class KnowledgeForm(PeriodForm):
    city = CityChoiceField(
        help_text=_("Practices of this city of origin; transfers to this city's institutions.")
    )


class KnowledgeExchange(ReportKind):
    """Practices per area, city and kind; transfers each way and by stage; models adopted."""

    code = "knowledge"
    title = _("Knowledge exchange")
    description = _(
        "Practices per area, city of origin and kind; transfers each way and by stage; the "
        "models adopted; events and their attendance."
    )
    form_class = KnowledgeForm

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        return [
            self._practices(parameters, using),
            self._transfers(parameters, using),
            self._adopted(parameters, using),
            *self._events_tables(parameters, using),
        ]

    def _practices(self, parameters: dict[str, Any], using: str) -> Table:
        scope, params = practice_scope(parameters)
        kinds = dict(PracticeKind.choices)
        cached = Cached(
            using,
            f"""
            SELECT {translated("area", "name")} AS area, origin.code AS city, p.kind AS kind,
                   COUNT(*) AS practices
            FROM {table(Practice)} p
            JOIN {table(Party)} origin ON origin.id = p.origin_id
            JOIN {table(StrategicArea)} area ON area.id = p.primary_area_id
            {scope}
            GROUP BY area.number, area.id, origin.code, p.kind
            ORDER BY area.number, origin.code, p.kind
            """,  # noqa: S608 (names from Meta)
            params,
        )

        def rows() -> Iterator[Row]:
            for row in cached.rows:
                yield {**row, "kind": str(kinds.get(row["kind"], row["kind"]))}

        return Table.named(
            code="practices",
            title=_("Practices by strategic area, city of origin and kind"),
            columns=[
                Column("area", _("Strategic area")),
                Column("city", _("City of origin")),
                Column("kind", _("Kind")),
                Column("practices", _("Practices"), "int"),
            ],
            rows=rows,
            count=cached.count,
            chart=Chart(label="area", value="practices", title=_("Practices by area")),
            notes=[
                _(
                    "Practices in the library (published) first published in the period, "
                    "under their primary strategic area."
                )
            ],
        )

    def _transfers(self, parameters: dict[str, Any], using: str) -> Table:
        scope, params = transfer_scope(parameters)
        adopted, adopted_params = adopted_in_period(parameters)
        cached = Cached(
            using,
            f"""
            SELECT origin.code || ' → ' || adopter.code AS direction, {stage_counts()},
                   COUNT(*) FILTER (WHERE {adopted}) AS adopted_in_period
            {transfers_from()}
            {scope}
            GROUP BY origin.code, adopter.code
            ORDER BY origin.code, adopter.code
            """,
            [*adopted_params, *params],
        )
        return Table.named(
            code="transfers",
            title=_("Transfers each way, by stage"),
            columns=[
                Column("direction", _("Direction")),
                *(Column(f"stage_{s}", TransferStage(s).label, "int") for s in STAGES),
                Column("total", _("Total"), "int"),
                Column("adopted_in_period", _("Adopted in the period"), "int"),
            ],
            rows=lambda: iter(cached.rows),
            count=cached.count,
            chart=Chart(label="direction", value="total", title=_("Transfers each way")),
            notes=[
                _(
                    "Transfers under way in the period (started by its end, not ended before "
                    "its start), by the practice's city → the adopting institution's city, at "
                    "their stage today."
                )
            ],
        )

    def _adopted(self, parameters: dict[str, Any], using: str) -> Table:
        scope, params = transfer_scope(parameters)
        adopted, adopted_params = adopted_in_period(parameters)
        condition = f"{scope} AND {adopted}" if scope else f"WHERE {adopted}"
        cached = Cached(
            using,
            f"""
            SELECT {translated("p", "title")} AS practice, origin.code AS origin,
                   {translated("ti", "name")} AS institution, adopter.code AS city,
                   t.started_on AS started_on, t.ended_on AS ended_on,
                   {translated("t", "adaptations")} AS adaptations
            {transfers_from()}
            {condition}
            ORDER BY t.ended_on, t.id
            """,
            [*params, *adopted_params],
        )

        def rows() -> Iterator[Row]:
            for row in cached.rows:
                yield {**row, "adaptations": row["adaptations"] or NONE}

        return Table.named(
            code="adopted",
            title=_("Models adopted in the period"),
            columns=[
                Column("practice", _("Practice")),
                Column("origin", _("City of origin")),
                Column("institution", _("Adopting institution")),
                Column("city", _("Adopting city")),
                Column("started_on", _("Started on"), "date"),
                Column("ended_on", _("Adopted on"), "date"),
                Column("adaptations", _("What was adapted")),
            ],
            rows=rows,
            count=cached.count,
            notes=[_("Transfers that reached the stage “Adopted” in the period.")],
        )

    def _events_tables(self, parameters: dict[str, Any], using: str) -> list[Table]:
        """The events of the period by city and their attendance (people: disclosure control).

        The dashboard's events panel reads the same figures (``reports.kinds.event_figures``), so
        the same period and city publish the same cells, hidden the same way.
        """
        figures = event_figures(using, parameters)

        def rows() -> Iterator[Row]:
            for row in figures.rows:
                yield {
                    "city": row["city__name"],
                    "events": row["events"],
                    "attendance": figures.attendance(row["city__code"]),
                }
            if figures.rows:
                yield {
                    "city": _("All cities"),
                    "events": sum(row["events"] for row in figures.rows),
                    "attendance": figures.attendance("*"),
                }

        return [
            Table.named(
                code="events",
                title=_("Events and attendance"),
                columns=[
                    Column("city", _("City")),
                    Column("events", _("Events"), "int"),
                    Column("attendance", _("Attendance"), "int"),
                ],
                rows=rows,
                count=lambda: len(figures.rows) + (1 if figures.rows else 0),
                notes=[
                    _(
                        "Published events that started in the period, in the city where they "
                        "take place; attendance as the organisers recorded it. Attendance under "
                        "5 is shown as “<5”, and another figure is hidden where it would give "
                        "it away."
                    )
                ],
            )
        ]
