"""Panels of the dashboard added for the officials' questions, after its own charts.

Kept apart from ``reports.dashboard`` (its charts and their SQL); each panel is one statement
and links to the admin list of the records behind it (``reports.questions``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Window
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cooperation.models import StrategicArea
from projects.models import Indicator, JointProject
from reports.charts import Chart, _number
from reports.dashboard import _projects_scope, period_label
from reports.kinds.common import area_names, axis_names, lead_city_join
from reports.kinds.indicators import PROGRESS, _latest
from reports.questions import project_links, unengaged_ecos
from reports.sql import fetch_all, table

LISTED = 20  # a panel lists the first ones; its admin list has them all


def unengaged_ecos_panel(using: str, parameters: dict[str, Any]) -> Chart:
    """Question 9: ECOS Network institutions in no project and no call as a host, per city."""
    queryset = unengaged_ecos().using(using).select_related("party")
    if parameters.get("city"):
        queryset = queryset.filter(party__code=parameters["city"])
    # One statement: the first institutions, each row carrying the count of them all.
    rows = list(
        queryset.annotate(total=Window(Count("pk")))
        .order_by("party__code", F("name").asc())
        .values("pk", "name", "party__code", "total")[:LISTED]
    )
    total = rows[0]["total"] if rows else 0
    listing = reverse("admin:reports_unengagedecosinstitution_changelist")
    if parameters.get("city"):
        listing += "?party__code__exact=" + str(parameters["city"])
    return Chart(
        id="ecos-unengaged",
        title=_("ECOS Network institutions taking part in nothing"),
        columns=[_("Institution"), _("City")],
        rows=[
            (
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:cooperation_institution_change", args=[row["pk"]]),
                    row["name"],
                ),
                [row["party__code"]],
            )
            for row in rows
        ],
        bars=[],
        # Taking part is counted over all time; the city still applies.
        period=period_label({"city": parameters.get("city")}),
        notes=[
            _(
                "%(count)s active ECOS Network institutions take part in no project and host "
                "in no call (all time)."
            )
            % {"count": _number(total)},
            format_html('<a href="{}">{}</a>', listing, _("All of them (admin list)")),
        ],
    )


def indicator_progress_panel(using: str, parameters: dict[str, Any]) -> Chart:
    """Question 10: indicator progress against targets per strategic area and per axis.

    The progress of each indicator is the indicator report's (``reports.kinds.indicators``:
    the latest actual up to the period's end, from the baseline to the target); the projects
    are those of the period and city, as in the other panels. One statement.
    """
    scope, params = _projects_scope(parameters)
    latest, latest_params = _latest(parameters)
    rows = fetch_all(
        using,
        f"""
        WITH measured AS (
            SELECT jp.id AS project_id, jp.primary_area_id AS area_id, {PROGRESS} AS progress
            FROM {table(Indicator)} i
            JOIN {table(JointProject)} jp ON jp.id = i.project_id
            JOIN {table(StrategicArea)} area ON area.id = jp.primary_area_id
            {lead_city_join()}
            {latest}
            {scope}
        )
        SELECT 'area' AS kind, area_id AS id, COUNT(*) AS indicators,
               COUNT(progress) AS measured, ROUND(AVG(progress), 4) AS progress,
               COUNT(*) FILTER (WHERE progress >= 1) AS reached
        FROM measured GROUP BY area_id
        UNION ALL
        SELECT 'axis', x.axis_id, COUNT(*), COUNT(m.progress), ROUND(AVG(m.progress), 4),
               COUNT(*) FILTER (WHERE m.progress >= 1)
        FROM measured m
        JOIN {table(JointProject.axes.through)} x ON x.jointproject_id = m.project_id
        GROUP BY x.axis_id
        """,  # noqa: S608 (names from Meta)
        [*latest_params, *params],
    )
    found = {(row["kind"], row["id"]): row for row in rows}
    table_rows: list[tuple[str, list[str]]] = []
    bars: list[tuple[str, float, str]] = []
    for kind, names, prefix in (
        ("area", area_names(using), _("Area")),
        ("axis", axis_names(using), _("Axis")),
    ):
        link = project_links(kind, parameters)
        for pk, name in names.items():
            row = found.get((kind, pk))
            if row is None:
                continue
            progress = row["progress"]
            shown = _number(progress * 100, 1) + " %" if progress is not None else "—"
            label = f"{prefix}: {name}"
            table_rows.append(
                (
                    format_html('<a href="{}">{}</a>', link(pk), label),
                    [
                        _number(row["indicators"]),
                        _number(row["measured"]),
                        shown,
                        _number(row["reached"]),
                    ],
                )
            )
            bars.append((label, float(progress or 0) * 100, shown))
    return Chart(
        id="indicator-progress",
        title=_("Indicator progress against targets, by area and axis"),
        columns=[
            _("Area or axis"),
            _("Indicators"),
            _("Indicators measured"),
            _("Average progress"),
            _("Targets reached"),
        ],
        rows=table_rows,
        bars=bars,
        period=period_label(parameters),
        notes=[
            _(
                "Progress is the latest actual's way from the baseline to the target (100% on "
                "target); the actual is the latest measurement up to the end of the period. A "
                "target equal to its baseline is 100% when the actual is at least the target, "
                "else 0%."
            ),
            _(
                "Areas count a project's indicators under its primary area; axes under each of "
                "its axes. Each row opens the list of its projects."
            ),
        ],
    )


def question_panels(using: str, parameters: dict[str, Any]) -> list[Chart]:
    """Return the questions' panels, in the order the dashboard shows them."""
    parameters = {k: v for k, v in parameters.items() if v not in (None, "")}
    return [indicator_progress_panel(using, parameters), unengaged_ecos_panel(using, parameters)]
