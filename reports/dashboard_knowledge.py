"""The dashboard's knowledge panels: practices per area and city, transfers each way by stage.

One statement gives both panels, whatever the number of practices and transfers; it counts
what the knowledge exchange report counts for the same period and city (the scopes of
``reports.kinds.knowledge``). ``knowledge_panels`` returns each panel as the fields of a
``reports.dashboard.Chart``, which ``dashboard_context`` builds: this module does not import
the dashboard, so the two do not import each other. Counts of practices and transfers, not of
people: no disclosure control is needed.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cooperation.models import Party, StrategicArea
from knowledge.models import Practice, TransferStage
from reports.kinds.knowledge import (
    adopted_in_period,
    practice_scope,
    stage_counts,
    transfer_scope,
    transfers_from,
    translated,
)
from reports.sql import fetch_all, table

STAGES = list(TransferStage.values)


def _number(value: int) -> str:
    return number_format(value, 0, use_l10n=True, force_grouping=True)


def _statement(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    practices, practice_params = practice_scope(parameters)
    transfers, transfer_params = transfer_scope(parameters)
    adopted, adopted_params = adopted_in_period(parameters)
    zeros = ", ".join(f"0 AS stage_{s}" for s in STAGES)
    blanks = ", ".join(f"0 AS stage_{s}" for s in STAGES[1:])
    sql = f"""
        WITH scoped AS (
            SELECT p.primary_area_id AS area_id, origin.code AS city
            FROM {table(Practice)} p JOIN {table(Party)} origin ON origin.id = p.origin_id
            {practices}
        )
        SELECT 'city' AS part, c.code AS code, '' AS other, {translated("c", "name")} AS label,
               0 AS number, {zeros}, 0 AS total, 0 AS adopted
        FROM {table(Party)} c
        UNION ALL
        SELECT 'area', COALESCE(s.city, ''), '', {translated("a", "name")}, a.number,
               0, {blanks}, COUNT(s.area_id), 0
        FROM {table(StrategicArea)} a LEFT JOIN scoped s ON s.area_id = a.id
        GROUP BY a.id, a.number, s.city
        UNION ALL
        SELECT 'transfer', origin.code, adopter.code, '', 0, {stage_counts()},
               COUNT(*) FILTER (WHERE {adopted})
        {transfers_from()}
        {transfers}
        GROUP BY origin.code, adopter.code
        ORDER BY 1, 5, 2, 3
    """  # noqa: S608 (names from Meta)
    return sql, [*practice_params, *adopted_params, *transfer_params]


def knowledge_panels(using: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the practices' and the transfers' panels, as the fields of a dashboard Chart."""
    sql, params = _statement(parameters)
    rows = fetch_all(using, sql, params)
    cities = {row["code"]: row["label"] for row in rows if row["part"] == "city"}
    shown = [parameters["city"]] if parameters.get("city") in cities else list(cities)
    return [_practices(rows, cities, shown), _transfers(rows, cities, parameters)]


def _practices(rows: list[dict[str, Any]], cities: dict[str, str], shown: list[str]) -> dict:
    areas: dict[int, tuple[str, dict[str, int]]] = {}
    for row in rows:
        if row["part"] == "area":
            _label, counts = areas.setdefault(row["number"], (row["label"], {}))
            if row["code"]:
                counts[row["code"]] = row["total"]
    table_rows, bars, totals = [], [], dict.fromkeys(shown, 0)
    for _area, (label, counts) in sorted(areas.items()):
        values = [counts.get(code, 0) for code in shown]
        for code, value in zip(shown, values, strict=True):
            totals[code] += value
        table_rows.append((label, [*(_number(v) for v in values), _number(sum(values))]))
        bars.append((label, float(sum(values)), _number(sum(values))))
    all_practices = sum(totals.values())
    table_rows.append(
        (_("All areas"), [*(_number(totals[c]) for c in shown), _number(all_practices)])
    )
    return {
        "id": "practices",
        "title": _("Practices by strategic area and city of origin"),
        "columns": [_("Strategic area"), *(cities[c] for c in shown), _("Total")],
        "rows": table_rows,
        "bars": bars,
        "notes": [
            _(
                "Practices in the library (published) first published in the period, under "
                "their primary strategic area; the city chooses the city of origin."
            )
        ],
    }


def _transfers(rows: list[dict[str, Any]], cities: dict[str, str], parameters: dict) -> dict:
    table_rows, bars = [], []
    adopted = 0
    for row in rows:
        if row["part"] != "transfer":
            continue
        label = f"{cities.get(row['code'], row['code'])} → {cities.get(row['other'], row['other'])}"
        table_rows.append(
            (label, [*(_number(row[f"stage_{s}"]) for s in STAGES), _number(row["total"])])
        )
        bars.append((label, float(row["total"]), _number(row["total"])))
        adopted += row["adopted"]
    return {
        "id": "transfers",
        "title": _("Transfers each way, by stage"),
        "columns": [_("Direction"), *(str(TransferStage(s).label) for s in STAGES), _("Total")],
        "rows": table_rows,
        "bars": bars,
        "notes": [
            _(
                "Transfers under way in the period (started by its end, not ended before its "
                "start), from the practice's city to the adopting institution's, at their "
                "stage today; the city chooses the adopting city."
            ),
            _("Models adopted in the period: %(count)s.") % {"count": _number(adopted)},
        ],
    }
