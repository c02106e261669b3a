"""Researcher mobility: stays by direction, host kind, area and duration; gender and inclusion.

Gender and accessibility are personal data given with consent: they are only shown as
totals, and every count passes through ``cooperation.disclosure`` (``reports.kinds.people``): a
count from 1 to 4 is shown as "<5", and one that would give it away as "x".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution
from exchanges.models import Direction, ResearcherProfile
from reports.kinds import people
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import NONE, PeriodForm, area_names, areas_field
from reports.kinds.people import DIRECTION_BY_HOST_CITY, STAY_STATUSES
from reports.sql import Row

__all__ = ["DIRECTION_BY_HOST_CITY", "STAY_STATUSES", "ResearcherMobility"]
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


class ResearcherMobility(ReportKind):
    """Stays by direction, host kind, area and duration band, under disclosure control."""

    code = "mobility"
    title = _("Researcher mobility")
    description = _(
        "Stays by direction, host kind, strategic area and duration; gender and inclusion "
        "totals under disclosure control."
    )
    form_class = MobilityForm

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        # Every count below comes from one protected publication of the period's stays,
        # the same one the dashboard shows (reports.kinds.people): a count hidden here is hidden
        # there, and no total published anywhere gives it away.
        found: list[people.Stays] = []

        def stays() -> people.Stays:
            if not found:
                found.append(people.stays_publication(_population(parameters), using=using))
            return found[0]

        cities = [c for c in people.CITIES if parameters.get("host_city") in (None, "", c)]
        areas = area_names(using)
        kinds = dict(Institution.Kind.choices)
        bands = dict(BANDS)

        def direction(host_city: str) -> str:
            return str(DIRECTION_BY_HOST_CITY[host_city].label)

        def stay_rows() -> Iterator[Row]:
            published = stays()
            for city in cities:
                for kind, band in published.combos:
                    key = ("stays", city, (kind, band))
                    if published.pub.values[key]:
                        yield {
                            "direction": direction(city),
                            "host_kind": kinds.get(kind, kind),
                            "duration": bands.get(band, band),
                            "stays": published.pub.shown(key),
                        }
                yield {
                    "direction": direction(city),
                    "host_kind": gettext("All"),
                    "duration": gettext("All"),
                    "stays": published.pub.shown(people.total_key(city)),
                }

        def stay_count() -> int:
            published = stays()
            return sum(
                1 + sum(1 for c in published.combos if published.pub.values[("stays", city, c)])
                for city in cities
            )

        def direction_points() -> list[tuple[str, float | None]]:
            published = stays()
            return [
                (direction(city), _number_or_none(published.pub.shown(people.total_key(city))))
                for city in cities
            ]

        def area_rows() -> Iterator[Row]:
            published = stays()
            for city in cities:
                for area in published.areas:
                    key = ("area", city, area)
                    if published.pub.values[key]:
                        yield {
                            "direction": direction(city),
                            "area": areas.get(area, NONE) if area is not None else NONE,
                            "stays": published.pub.shown(key),
                        }

        def area_count() -> int:
            published = stays()
            return sum(
                1
                for city in cities
                for a in published.areas
                if published.pub.values[("area", city, a)]
            )

        genders = list(ResearcherProfile.Gender.choices)

        def people_rows() -> Iterator[Row]:
            published = stays()
            for city in cities:
                pub = published.pub
                yield {
                    "direction": direction(city),
                    **{
                        gender_key(code): pub.shown(("gender", city, code))
                        for code, _label in genders
                    },
                    "not_stated": pub.shown(("gender", city, people.NOT_STATED)),
                    "declared": pub.shown(("access", city, "declared")),
                    "none": pub.shown(("access", city, "none")),
                    "total": pub.shown(people.total_key(city)),
                }

        def people_count() -> int:
            return len(cities)

        direction_column = Column("direction", _("Direction"))
        total_column = Column("total", _("Stays"), "int")
        protection = str(
            _(
                "Gender and accessibility are counted only for researchers who consented. "
                "“<5”: fewer than five; “x”: hidden so that a count under five cannot be "
                "worked out from the totals published for the same period."
            )
        )
        return [
            Table.named(
                code="stays",
                title=_("Stays by direction, host kind and duration"),
                columns=[
                    direction_column,
                    Column("host_kind", _("Host kind")),
                    Column("duration", _("Duration")),
                    Column("stays", _("Stays"), "int"),
                ],
                rows=stay_rows,
                count=stay_count,
                chart=Chart(
                    label="direction",
                    value="stays",
                    title=_("Stays by direction"),
                    points=direction_points,
                ),
                notes=[
                    str(
                        _(
                            "Each stay counts once; the row “All” of each direction is its "
                            "number of stays."
                        )
                    ),
                    protection,
                ],
            ),
            Table.named(
                code="areas",
                title=_("Stays by direction and strategic area"),
                columns=[
                    direction_column,
                    Column("area", _("Strategic area")),
                    Column("stays", _("Stays"), "int"),
                ],
                rows=area_rows,
                count=area_count,
                notes=[
                    str(
                        _(
                            "A stay under a call with several strategic areas counts once "
                            "under each of them: these rows overlap and add up to more than "
                            "the stays of the direction."
                        )
                    )
                ],
            ),
            Table.named(
                code="gender",
                title=_("Gender of the researchers"),
                columns=[
                    direction_column,
                    *(Column(gender_key(code), label, "int") for code, label in genders),
                    Column("not_stated", _("Not stated"), "int"),
                    total_column,
                ],
                rows=people_rows,
                count=people_count,
            ),
            Table.named(
                code="inclusion",
                title=_("Accessibility needs"),
                columns=[
                    direction_column,
                    Column("declared", _("Accessibility needs declared"), "int"),
                    Column("none", _("None declared"), "int"),
                    total_column,
                ],
                rows=people_rows,
                count=people_count,
            ),
        ]


def _population(parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters that choose the people counted (the host city only selects rows)."""
    return {k: parameters.get(k) for k in ("date_from", "date_to", "areas") if parameters.get(k)}


def _number_or_none(shown: int | str) -> float | None:
    return float(shown) if isinstance(shown, int) else None
