"""Indicator progress: each indicator's target against its latest actual, per project and area."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cooperation.models import StrategicArea
from projects.models import Indicator, JointProject, Measurement
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import (
    NONE,
    ProjectsForm,
    area_names,
    as_date,
    lead_city_join,
    project_conditions,
    where,
)
from reports.sql import Cached, Row, fetch_all, stream, table

# Progress from the baseline towards the target: 0 at the baseline, 1 on target. A target
# equal to its baseline (keep a level) has no way to go: it is reached (1) when the latest
# actual is at least the target, and not (0) below it.
PROGRESS = (
    "CASE WHEN latest.value IS NULL THEN NULL "
    "WHEN i.target = i.baseline THEN CASE WHEN latest.value >= i.target THEN 1 ELSE 0 END "
    "ELSE ROUND((latest.value - i.baseline) / (i.target - i.baseline), 4) END"
)


def _latest(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """Return the lateral join of each indicator's latest measurement (as of the period's end)."""
    bound, params = "", []
    if end := as_date(parameters.get("date_to")):
        bound, params = "AND m.date <= %s", [end]
    return (
        f"""LEFT JOIN LATERAL (
                SELECT m.value, m.date FROM {table(Measurement)} m
                WHERE m.indicator_id = i.id {bound}
                ORDER BY m.date DESC, m.id DESC LIMIT 1
            ) latest ON true""",  # noqa: S608
        params,
    )


class IndicatorProgress(ReportKind):
    """Per area, then per project and indicator: baseline, target, latest actual, progress."""

    code = "indicators"
    title = _("Indicator progress")
    description = _("Each indicator's target against its latest actual, per project and area.")
    form_class = ProjectsForm

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        conditions, params = project_conditions(parameters)
        if parameters.get("city"):
            conditions.append("lead_party.code = %s")
            params.append(parameters["city"])
        latest, latest_params = _latest(parameters)
        source = f"""
            FROM {table(Indicator)} i
            JOIN {table(JointProject)} jp ON jp.id = i.project_id
            JOIN {table(StrategicArea)} area ON area.id = jp.primary_area_id
            {lead_city_join()}
            {latest}
            {where(conditions)}
        """
        all_params = [*latest_params, *params]
        areas = area_names(using)
        by_area = Cached(
            using,
            f"""
            SELECT jp.primary_area_id AS area_id, COUNT(DISTINCT jp.id) AS projects,
                   COUNT(*) AS indicators,
                   COUNT(latest.value) AS measured,
                   ROUND(AVG({PROGRESS}), 4) AS progress,
                   COUNT(*) FILTER (WHERE {PROGRESS} >= 1) AS reached
            {source}
            GROUP BY jp.primary_area_id, area.number
            ORDER BY area.number
            """,
            all_params,
        )

        def area_rows() -> Iterator[Row]:
            for row in by_area.rows:
                yield {**row, "area": areas.get(row["area_id"], NONE)}

        language = translation.get_language() or "es"
        title = f"COALESCE(NULLIF(jp.title_{language.split('-')[0]}, ''), jp.title)"
        if language.split("-")[0] not in {"es", "ca", "en"}:
            title = "jp.title"
        listing_sql = f"""
            SELECT jp.code AS project, {title} AS title, jp.primary_area_id AS area_id,
                   lead_party.code AS city, i.name AS indicator, i.unit, i.baseline, i.target,
                   latest.value AS actual, latest.date AS measured_on, {PROGRESS} AS progress
            {source}
            ORDER BY area.number, jp.code, i.id
        """

        def listing_rows() -> Iterator[Row]:
            for row in stream(using, listing_sql, all_params):
                yield {**row, "area": areas.get(row["area_id"], NONE), "city": row["city"] or NONE}

        def listing_count() -> int:
            return int(fetch_all(using, f"SELECT COUNT(*) AS n {source}", all_params)[0]["n"])

        return [
            Table.named(
                code="by_area",
                title=_("Indicator progress by strategic area"),
                columns=[
                    Column("area", _("Strategic area")),
                    Column("projects", _("Projects"), "int"),
                    Column("indicators", _("Indicators"), "int"),
                    Column("measured", _("Indicators measured"), "int"),
                    Column("progress", _("Average progress"), "percent"),
                    Column("reached", _("Targets reached"), "int"),
                ],
                rows=area_rows,
                count=by_area.count,
                chart=Chart(label="area", value="indicators", title=_("Indicators by area")),
                notes=[
                    str(
                        _(
                            "Progress is the latest actual's way from the baseline to the "
                            "target (100% on target); the actual is the latest measurement "
                            "up to the end of the period. A target equal to its baseline is "
                            "100% when the actual is at least the target, else 0%."
                        )
                    )
                ],
            ),
            Table.named(
                code="indicators",
                title=_("Indicators of each project"),
                columns=[
                    Column("project", _("Project")),
                    Column("title", _("Title")),
                    Column("area", _("Strategic area")),
                    Column("city", _("Lead city")),
                    Column("indicator", _("Indicator")),
                    Column("unit", _("Unit")),
                    Column("baseline", _("Baseline"), "decimal"),
                    Column("target", _("Target"), "decimal"),
                    Column("actual", _("Latest actual"), "decimal"),
                    Column("measured_on", _("Measured on"), "date"),
                    Column("progress", _("Progress"), "percent"),
                ],
                rows=listing_rows,
                count=listing_count,
            ),
        ]
