"""Researcher mobility: stays by direction, host kind, area and duration; gender and inclusion.

Gender and accessibility are personal data given with consent: they are only shown as
totals, and any count below ``SUPPRESS_BELOW`` is shown as "<5" so that nobody can be
recognised in a small group.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party, StrategicArea
from exchanges.models import (
    Call,
    Direction,
    HostDecision,
    ResearcherProfile,
    Stay,
    StayApplication,
)
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import NONE, PeriodForm, area_names, areas_field, as_date, where
from reports.sql import Cached, Row, alias, table

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"

# A stay is a stay once awarded: it goes on through in progress to completed.
STAY_STATUSES = [
    StayApplication.Status.AWARDED,
    StayApplication.Status.IN_PROGRESS,
    StayApplication.Status.COMPLETED,
]
# The host's city gives the direction (the researcher comes from the other city).
DIRECTION_BY_HOST_CITY = {"BCN": Direction.CDMX_TO_BCN, "CDMX": Direction.BCN_TO_CDMX}
BANDS = [
    ("lt30", _("Under 30 days")),
    ("30_89", _("30 to 89 days")),
    ("90_179", _("90 to 179 days")),
    ("180", _("180 days or more")),
    ("unknown", _("Dates not known")),
]


def gender_key(code: str) -> str:
    """Name the column that counts one gender, in the SQL and in the table."""
    return f"gender_{code}"


def suppress(count: int) -> int | str:
    """Hide a small count: below 5 people could be recognised."""
    return SUPPRESSED if count < SUPPRESS_BELOW else count


class MobilityForm(PeriodForm):
    areas = areas_field()
    host_city = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[
            ("", _("Both directions")),
            ("BCN", Direction.CDMX_TO_BCN.label),
            ("CDMX", Direction.BCN_TO_CDMX.label),
        ],
    )


def _base(parameters: dict[str, Any]) -> tuple[str, str, list[Any], str]:
    """Return the stays' FROM clause, WHERE clause, its parameters and the duration band."""
    start = "COALESCE(s.arrived_on, hd.confirmed_start, a.start_date)"
    end = "COALESCE(s.departed_on, hd.confirmed_end, a.end_date)"
    conditions = ["a.status = ANY(%s)"]
    params: list[Any] = [[str(status) for status in STAY_STATUSES]]
    if first := as_date(parameters.get("date_from")):
        conditions.append(f"{end} >= %s")
        params.append(first)
    if last := as_date(parameters.get("date_to")):
        conditions.append(f"{start} <= %s")
        params.append(last)
    if parameters.get("host_city"):
        conditions.append("hp.code = %s")
        params.append(parameters["host_city"])
    if parameters.get("areas"):
        conditions.append(
            f"EXISTS (SELECT 1 FROM {table(Call.areas.through)} fa "  # noqa: S608 (names from Meta)
            "WHERE fa.call_id = a.call_id AND fa.strategicarea_id = ANY(%s))"
        )
        params.append([int(pk) for pk in parameters["areas"]])
    source = f"""
        FROM {table(StayApplication)} a
        LEFT JOIN {table(Stay)} s ON s.application_id = a.id
        LEFT JOIN {table(HostDecision)} hd ON hd.application_id = a.id
        JOIN {table(Institution)} h ON h.id = a.host_id
        JOIN {table(Party)} hp ON hp.id = h.party_id
        LEFT JOIN {table(ResearcherProfile)} rp ON rp.user_id = a.researcher_id
    """
    duration = f"({end} - {start})"
    band = f"""CASE WHEN {duration} IS NULL THEN 'unknown'
                    WHEN {duration} < 30 THEN 'lt30'
                    WHEN {duration} < 90 THEN '30_89'
                    WHEN {duration} < 180 THEN '90_179'
                    ELSE '180' END"""
    return source, where(conditions), params, band


class ResearcherMobility(ReportKind):
    """Stays by direction, host kind, area and duration band, with protected small counts."""

    code = "mobility"
    title = _("Researcher mobility")
    description = _(
        "Stays by direction, host kind, strategic area and duration; gender and inclusion "
        "totals with every count below 5 hidden."
    )
    form_class = MobilityForm

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        source, conditions, params, band = _base(parameters)
        areas = area_names(using)
        kinds = dict(Institution.Kind.choices)
        bands = dict(BANDS)
        band_order = "array_position(ARRAY['lt30','30_89','90_179','180','unknown'], band)"

        stays = Cached(
            using,
            f"""
            SELECT code AS host_city, kind AS host_kind, area_id, band,
                   COUNT(DISTINCT application_id) AS stays
            FROM (
                SELECT hp.code, h.kind, ca.strategicarea_id AS area_id,
                       area.number AS area_number, {band} AS band, a.id AS application_id
                {source}
                LEFT JOIN {table(Call.areas.through)} ca ON ca.call_id = a.call_id
                LEFT JOIN {table(StrategicArea)} area ON area.id = ca.strategicarea_id
                {conditions}
            ) stays
            GROUP BY code, kind, area_id, area_number, band
            ORDER BY code DESC, kind, area_number NULLS LAST, {band_order}
            """,  # noqa: S608
            params,
        )

        def direction(host_city: str) -> str:
            found = DIRECTION_BY_HOST_CITY.get(host_city)
            return str(found.label) if found else host_city

        def stay_rows() -> Iterator[Row]:
            for row in stays.rows:
                yield {
                    "direction": direction(row["host_city"]),
                    "host_kind": kinds.get(row["host_kind"], row["host_kind"]),
                    "area": areas.get(row["area_id"], NONE),
                    "duration": bands.get(row["band"], row["band"]),
                    "stays": row["stays"],
                }

        genders = list(ResearcherProfile.Gender.choices)
        consented = "rp.sensitive_consent_at IS NOT NULL AND rp.anonymised_at IS NULL"
        gender_counts = ", ".join(
            f"COUNT(*) FILTER (WHERE {consented} AND rp.gender = '{code}') "
            f"AS {alias(gender_key(code))}"
            for code, _label in genders
        )
        people = Cached(
            using,
            f"""
            SELECT hp.code AS host_city, {gender_counts},
                   COUNT(*) FILTER (WHERE NOT ({consented}) OR rp.gender IS NULL
                                    OR rp.gender = '') AS not_stated,
                   COUNT(*) FILTER (WHERE {consented} AND rp.accessibility_needs <> '')
                       AS declared,
                   COUNT(*) FILTER (WHERE NOT ({consented}) OR rp.accessibility_needs IS NULL
                                    OR rp.accessibility_needs = '') AS none
            {source}
            {conditions}
            GROUP BY hp.code
            ORDER BY hp.code DESC
            """,
            params,
        )

        def people_rows() -> Iterator[Row]:
            # Both tables read their own counts by name from the same rows.
            for row in people.rows:
                counts = {key: suppress(value) for key, value in row.items() if key != "host_city"}
                yield {"direction": direction(row["host_city"]), **counts}

        direction_column = Column("direction", _("Direction"))
        return [
            Table.named(
                code="stays",
                title=_("Stays by direction, host kind, area and duration"),
                columns=[
                    direction_column,
                    Column("host_kind", _("Host kind")),
                    Column("area", _("Strategic area")),
                    Column("duration", _("Duration")),
                    Column("stays", _("Stays"), "int"),
                ],
                rows=stay_rows,
                count=stays.count,
                chart=Chart(label="direction", value="stays", title=_("Stays by direction")),
                notes=[
                    str(
                        _(
                            "A stay under a call with several strategic areas counts once "
                            "under each of them."
                        )
                    ),
                    str(
                        _(
                            "Gender and accessibility are counted only for researchers who "
                            "consented; every count below 5 is shown as “<5”."
                        )
                    ),
                ],
            ),
            Table.named(
                code="gender",
                title=_("Gender of the researchers"),
                columns=[
                    direction_column,
                    *(Column(gender_key(code), label, "int") for code, label in genders),
                    Column("not_stated", _("Not stated"), "int"),
                ],
                rows=people_rows,
                count=people.count,
            ),
            Table.named(
                code="inclusion",
                title=_("Accessibility needs"),
                columns=[
                    direction_column,
                    Column("declared", _("Accessibility needs declared"), "int"),
                    Column("none", _("None declared"), "int"),
                ],
                rows=people_rows,
                count=people.count,
            ),
        ]
