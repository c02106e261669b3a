"""The programme overview: projects and funding by area, axis, city and year."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Institution, Party, StrategicArea
from projects.models import Currency, ExchangeRate, FundingCommitment, JointProject
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


@dataclass(frozen=True)
class Rate:
    """The rate kept by officials for a pair, as kept (``1 base = rate quote``), and its date.

    A report converts with it as it is kept: multiplying when it is kept from the amount's
    currency, dividing when it is kept the other way round, so that the note's rate (for
    example 1 EUR = 22 MXN) reproduces every total exactly, never a rounded inverse.
    """

    base: str
    quote: str
    rate: Decimal
    date: Any

    def sql(self, currency: str) -> str:
        return "* %s::numeric" if self.base == currency else "/ %s::numeric"


def kept_rate(*, base: str, quote: str, on: Any) -> Rate | None:
    """Return the latest rate kept between two currencies on or before ``on``, as kept."""
    row = (
        ExchangeRate.objects.filter(date__lte=on)
        .filter(Q(base=base, quote=quote) | Q(base=quote, quote=base))
        .order_by("-date", "pk")
        .first()
    )
    if row is None:
        return None
    return Rate(base=row.base, quote=row.quote, rate=row.rate, date=row.date)


def rates_for(target: str, on: Any) -> dict[str, Rate | None]:
    """Return the rate kept between each currency and ``target``, None when none is kept."""
    return {
        currency: kept_rate(base=currency, quote=target, on=on)
        for currency in Currency.values
        if currency != target
    }


def rate_notes(target: str, on: Any, rates: dict[str, Rate | None]) -> list[str]:
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
            notes.append(
                gettext(
                    "Exchange rate: 1 %(base)s = %(rate)s %(quote)s, of %(date)s, as kept by "
                    "the programme's officials in the portal (Exchange rates); amounts in "
                    "%(currency)s are converted with it exactly."
                )
                % {
                    "base": found.base,
                    "quote": found.quote,
                    "rate": format(found.rate.normalize(), "f"),
                    "date": found.date.isoformat(),
                    "currency": currency,
                }
            )
    return notes


def funding_sql(
    parameters: dict[str, Any],
    rates: dict[str, Rate | None],
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
            whens.append(f"WHEN '{currency}' THEN f.amount")
        elif (found := rates.get(currency)) is not None:
            whens.append(f"WHEN '{currency}' THEN f.amount {found.sql(currency)}")
            case_params.append(found.rate)
    missing = [c for c in Currency.values if c != target and rates.get(c) is None]
    converted = f"ROUND(SUM(CASE f.currency {' '.join(whens)} END), 2)"
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


def projects_sql(parameters: dict[str, Any], *, by_axis: bool = False) -> tuple[str, list[Any]]:
    """Projects running in the period, each once: by primary area, lead city and start year.

    ``by_axis``: by axis instead, a project with several axes once under each of them.
    """
    conditions, params = project_conditions(parameters)
    if parameters.get("city"):
        conditions.append("lead_party.code = %s")
        params.append(parameters["city"])
    counts = """COUNT(DISTINCT jp.id) AS projects,
               COUNT(DISTINCT jp.id) FILTER (WHERE jp.status = 'active') AS active"""
    if by_axis:
        axis_filter = " AND pa.axis_id = ANY(%s)" if parameters.get("axes") else ""
        axis_params = [[int(pk) for pk in parameters["axes"]]] if parameters.get("axes") else []
        sql = f"""
            SELECT pa.axis_id AS axis_id, {counts}
            FROM {table(JointProject)} jp
            LEFT JOIN {table(JointProject.axes.through)} pa
                   ON pa.jointproject_id = jp.id{axis_filter}
            LEFT JOIN {table(Axis)} ax ON ax.id = pa.axis_id
            {lead_city_join()}
            {where(conditions)}
            GROUP BY pa.axis_id, ax.number
            ORDER BY ax.number NULLS LAST
        """  # noqa: S608
        return sql, [*axis_params, *params]
    sql = f"""
        SELECT jp.primary_area_id AS area_id, lead_party.code AS city,
               EXTRACT(YEAR FROM jp.start_date)::int AS year, {counts}
        FROM {table(JointProject)} jp
        JOIN {table(StrategicArea)} area ON area.id = jp.primary_area_id
        {lead_city_join()}
        {where(conditions)}
        GROUP BY jp.primary_area_id, lead_party.code, EXTRACT(YEAR FROM jp.start_date),
                 area.number
        ORDER BY area.number, city NULLS LAST, year
    """  # noqa: S608
    return sql, params


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
        projects_by_axis = Cached(using, *projects_sql(parameters, by_axis=True))

        def named(rows: list[Row]) -> Iterator[Row]:
            for row in rows:
                yield {
                    **row,
                    "area": areas.get(row.get("area_id"), NONE),  # type: ignore[arg-type]
                    "axis": axes.get(row.get("axis_id"), NONE),  # type: ignore[arg-type]
                    "city": row.get("city") or NONE,
                }

        def project_rows() -> Iterator[Row]:
            return named(projects.rows)

        everything = gettext("All projects, each once")

        def axis_rows() -> Iterator[Row]:
            yield from named(projects_by_axis.rows)
            # The rows above overlap; the true number is the sum of the area table's rows.
            yield {
                "axis": everything,
                "projects": sum(r["projects"] for r in projects.rows),
                "active": sum(r["active"] for r in projects.rows),
            }

        detail = Cached(using, *funding_sql(parameters, rates, target, ["area", "city", "year"]))

        def detail_rows() -> Iterator[Row]:
            return named(detail.rows)

        funding_by_axis = Cached(using, *funding_sql(parameters, rates, target, ["axis"]))

        def funding_axis_rows() -> Iterator[Row]:
            yield from named(funding_by_axis.rows)
            rows = detail.rows
            converted_total = (
                None
                if any(r["converted"] is None for r in rows)
                else sum((r["converted"] for r in rows), Decimal(0))
            )
            yield {
                "axis": everything,
                "projects": None,
                "commitments": sum(r["commitments"] for r in rows),
                **{
                    amount_key(c): sum((r[amount_key(c)] for r in rows), Decimal(0))
                    for c in Currency.values
                },
                "converted": converted_total,
            }

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
        axis_overlap = gettext(
            "A project with several axes counts once under each of them: the axes' rows "
            "overlap and are not to be added up; the last row is the true total, each "
            "project once."
        )
        return [
            Table.named(
                code="projects",
                title=_("Projects by primary area, lead city and start year"),
                columns=[
                    label_area,
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
                        "Each project counts once, under its primary strategic area; the "
                        "rows add up to the number of projects."
                    ),
                    *rate_notes(target, on, rates),
                ],
            ),
            Table.named(
                code="projects_by_axis",
                title=_("Projects by axis"),
                columns=[
                    label_axis,
                    Column("projects", _("Projects"), "int"),
                    Column("active", _("Active projects"), "int"),
                ],
                rows=axis_rows,
                count=lambda: projects_by_axis.count() + 1,
                chart=Chart(
                    label="axis",
                    value="projects",
                    title=_("Projects by axis"),
                    points=lambda: [
                        (str(r["axis"]), float(r["projects"])) for r in named(projects_by_axis.rows)
                    ],
                ),
                notes=[axis_overlap],
            ),
            Table.named(
                code="funding",
                title=_("Funding by primary area, city and year"),
                columns=[label_area, label_city, label_year, *funded, *money, converted],
                rows=detail_rows,
                count=detail.count,
                chart=Chart(label="area", value="converted", title=_("Funding by area")),
                notes=[
                    gettext(
                        "Funding by area: all of a project's funding counts under its primary "
                        "strategic area, once; the rows add up to the programme's total."
                    )
                ],
            ),
            Table.named(
                code="funding_by_axis",
                title=_("Funding by axis"),
                columns=[label_axis, *funded, *money, converted],
                rows=funding_axis_rows,
                count=lambda: funding_by_axis.count() + 1,
                notes=[
                    gettext(
                        "A project with several axes has its funding counted in full under "
                        "each of them: the axes' rows overlap and are not to be added up; the "
                        "last row is the programme's total, each commitment once."
                    )
                ],
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
