"""The programme overview: projects and funding by area, axis, city and year."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Institution, Party, StrategicArea
from projects.models import Currency, FundingCommitment, JointProject
from projects.services import exchange_rate
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import (
    NONE,
    MoneyForm,
    area_names,
    as_date,
    axis_names,
    lead_city_join,
    project_conditions,
    where,
)
from reports.sql import Cached, Row, table


def amount_key(currency: str) -> str:
    """Name the column of the amounts committed in ``currency``, in the SQL and in the table."""
    return f"amount_{currency.lower()}"


def rates_for(target: str, on: Any) -> dict[str, tuple[Decimal, Any] | None]:
    """Return the rate (and its date) from each currency to ``target``, None when none is kept."""
    return {
        currency: exchange_rate(base=currency, quote=target, on=on)
        for currency in Currency.values
        if currency != target
    }


def rate_notes(target: str, on: Any, rates: dict[str, tuple[Decimal, Any] | None]) -> list[str]:
    notes = []
    for currency, found in rates.items():
        if found is None:
            notes.append(
                gettext(
                    "No exchange rate from %(base)s to %(quote)s is kept on or before "
                    "%(date)s: totals that include %(base)s are left empty."
                )
                % {"base": currency, "quote": target, "date": on.isoformat()}
            )
        else:
            rate, rate_date = found
            notes.append(
                gettext("Exchange rate: 1 %(base)s = %(rate)s %(quote)s (rate of %(date)s).")
                % {
                    "base": currency,
                    "quote": target,
                    "rate": format(rate.quantize(Decimal("0.000001")).normalize(), "f"),
                    "date": rate_date.isoformat(),
                }
            )
    return notes


def funding_sql(
    parameters: dict[str, Any],
    rates: dict[str, tuple[Decimal, Any] | None],
    target: str,
    group: list[str],
) -> tuple[str, list[Any]]:
    """Return the funding aggregation grouped by some of area, axis, city and year.

    Original amounts stay per currency (conditional sums, named by ``amount_key``) beside the
    total converted to the reporting currency with the stated rates (``converted``); a group
    holding a currency without a rate gets no converted total rather than a wrong one. The
    groups are named ``area_id``, ``axis_id``, ``city`` and ``year``; the counts ``projects``
    and ``commitments``.
    """
    conditions, params = project_conditions(parameters)
    keys = {  # the group's column, its name, and what orders it
        "area": ("jp.primary_area_id", "area_id", "area.number"),
        "axis": ("pa.axis_id", "axis_id", "ax.number"),
        "city": ("party.code", "city", "party.code"),
        "year": ("f.year", "year", "f.year"),
    }
    select = [f"{keys[g][0]} AS {keys[g][1]}" for g in group]
    order = [f"{keys[g][2]} NULLS LAST" for g in group]
    grouped = [keys[g][0] for g in group] + [keys[g][2] for g in group]
    funding_conditions: list[str] = []
    funding_params: list[Any] = []
    if start := as_date(parameters.get("date_from")):
        funding_conditions.append("f.year >= %s")
        funding_params.append(start.year)
    if end := as_date(parameters.get("date_to")):
        funding_conditions.append("f.year <= %s")
        funding_params.append(end.year)
    if parameters.get("city"):
        funding_conditions.append("party.code = %s")
        funding_params.append(parameters["city"])
    per_currency = [
        f"COALESCE(SUM(f.amount) FILTER (WHERE f.currency = '{c}'), 0) AS {amount_key(c)}"
        for c in Currency.values
    ]
    case_params: list[Any] = []
    whens = []
    for currency in Currency.values:
        if currency == target:
            whens.append(f"WHEN '{currency}' THEN 1")
        elif rates.get(currency) is not None:
            whens.append(f"WHEN '{currency}' THEN %s::numeric")
            case_params.append(rates[currency][0])  # type: ignore[index]
    missing = [c for c in Currency.values if c != target and rates.get(c) is None]
    converted = f"ROUND(SUM(f.amount * CASE f.currency {' '.join(whens)} END), 2)"
    if missing:
        converted = f"CASE WHEN bool_or(f.currency = ANY(%s)) THEN NULL ELSE {converted} END"
        case_params = [missing, *case_params]
    axis_join = (
        f"LEFT JOIN {table(JointProject.axes.through)} pa ON pa.jointproject_id = jp.id"
        + (" AND pa.axis_id = ANY(%s)" if parameters.get("axes") else "")
        + f" LEFT JOIN {table(Axis)} ax ON ax.id = pa.axis_id"
        if "axis" in group
        else ""
    )
    axis_params = (
        [[int(pk) for pk in parameters["axes"]]]
        if "axis" in group and parameters.get("axes")
        else []
    )
    sql = f"""
        SELECT {", ".join(select)},
               COUNT(DISTINCT f.project_id) AS projects, COUNT(*) AS commitments,
               {", ".join(per_currency)},
               {converted} AS converted
        FROM {table(FundingCommitment)} f
        JOIN {table(JointProject)} jp ON jp.id = f.project_id
        JOIN {table(StrategicArea)} area ON area.id = jp.primary_area_id
        {axis_join}
        LEFT JOIN {table(Institution)} fi ON fi.id = f.funder_institution_id
        JOIN {table(Party)} party ON party.id = COALESCE(f.funder_party_id, fi.party_id)
        {where(conditions + funding_conditions)}
        GROUP BY {", ".join(grouped)}
        ORDER BY {", ".join(order)}
    """  # noqa: S608
    return sql, [*case_params, *axis_params, *params, *funding_params]


def projects_sql(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """Projects running in the period by primary area, axis, lead city and start year."""
    conditions, params = project_conditions(parameters)
    axis_filter = " AND pa.axis_id = ANY(%s)" if parameters.get("axes") else ""
    axis_params = [[int(pk) for pk in parameters["axes"]]] if parameters.get("axes") else []
    if parameters.get("city"):
        conditions.append("lead_party.code = %s")
        params.append(parameters["city"])
    sql = f"""
        SELECT jp.primary_area_id AS area_id, pa.axis_id AS axis_id, lead_party.code AS city,
               EXTRACT(YEAR FROM jp.start_date)::int AS year,
               COUNT(DISTINCT jp.id) AS projects,
               COUNT(DISTINCT jp.id) FILTER (WHERE jp.status = 'active') AS active
        FROM {table(JointProject)} jp
        JOIN {table(StrategicArea)} area ON area.id = jp.primary_area_id
        LEFT JOIN {table(JointProject.axes.through)} pa
               ON pa.jointproject_id = jp.id{axis_filter}
        LEFT JOIN {table(Axis)} ax ON ax.id = pa.axis_id
        {lead_city_join()}
        {where(conditions)}
        GROUP BY jp.primary_area_id, pa.axis_id, lead_party.code,
                 EXTRACT(YEAR FROM jp.start_date), area.number, ax.number
        ORDER BY area.number, ax.number NULLS LAST, city NULLS LAST, year
    """  # noqa: S608
    return sql, [*axis_params, *params]


class ProgrammeOverview(ReportKind):
    """Projects and funding by area × axis × city × year, in the reporting currency."""

    code = "programme"
    title = _("Programme overview")
    description = _(
        "Projects and funding by strategic area, axis, city and year, converted to the "
        "reporting currency beside the original amounts."
    )
    form_class = MoneyForm

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        target = parameters.get("currency") or Currency.EUR
        on = as_date(parameters.get("rate_date"))
        rates = rates_for(target, on)
        areas, axes = area_names(using), axis_names(using)
        money = [
            Column(amount_key(c), _("Amount in %(currency)s") % {"currency": c}, "decimal")
            for c in Currency.values
        ]
        converted = Column(
            "converted", _("Total in %(currency)s") % {"currency": target}, "decimal"
        )

        projects = Cached(using, *projects_sql(parameters))

        def named(rows: list[Row]) -> Iterator[Row]:
            for row in rows:
                yield {
                    **row,
                    "area": areas.get(row["area_id"], NONE),
                    "axis": axes.get(row["axis_id"], NONE),
                    "city": row["city"] or NONE,
                }

        def project_rows() -> Iterator[Row]:
            return named(projects.rows)

        detail = Cached(
            using, *funding_sql(parameters, rates, target, ["area", "axis", "city", "year"])
        )

        def detail_rows() -> Iterator[Row]:
            return named(detail.rows)

        by_city = Cached(using, *funding_sql(parameters, rates, target, ["city", "year"]))

        def city_rows() -> Iterator[Row]:
            return iter(by_city.rows)

        label_area = Column("area", _("Strategic area"))
        label_axis = Column("axis", _("Axis"))
        label_city = Column("city", _("City"))
        label_year = Column("year", _("Year"))
        funded = [
            Column("projects", _("Projects funded"), "int"),
            Column("commitments", _("Commitments"), "int"),
        ]
        return [
            Table.named(
                code="projects",
                title=_("Projects by area, axis, lead city and start year"),
                columns=[
                    label_area,
                    label_axis,
                    Column("city", _("Lead city")),
                    Column("year", _("Start year")),
                    Column("projects", _("Projects"), "int"),
                    Column("active", _("Active projects"), "int"),
                ],
                rows=project_rows,
                count=projects.count,
                chart=Chart(label="area", value="projects", title=_("Projects by area")),
                notes=[
                    gettext(
                        "A project with several axes counts once under each of them; "
                        "projects are counted under their primary strategic area."
                    ),
                    *rate_notes(target, on, rates),
                ],
            ),
            Table.named(
                code="funding",
                title=_("Funding by area, axis, city and year"),
                columns=[
                    label_area,
                    label_axis,
                    label_city,
                    label_year,
                    *funded,
                    *money,
                    converted,
                ],
                rows=detail_rows,
                count=detail.count,
                chart=Chart(label="area", value="converted", title=_("Funding by area")),
            ),
            Table.named(
                code="funding_by_city",
                title=_("Funding by city and year"),
                columns=[label_city, label_year, *funded, *money, converted],
                rows=city_rows,
                count=by_city.count,
                chart=Chart(label="city", value="converted", title=_("Funding by city")),
            ),
        ]
