"""The officials' dashboard: key figures and charts, each chart with its data table.

The tables are the source of truth; the charts are inline SVG drawn here, on the server, so
the page needs no script. Every figure comes from a fixed set of aggregate queries, whatever
the size of the programme (see the query count pinned in tests/reports/test_dashboard.py).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from cooperation.disclosure import Publication
from cooperation.models import Institution, Party
from exchanges.models import Call
from projects.models import Currency, JointProject, Milestone
from reports import questions
from reports.charts import Chart, _number, bar_chart  # noqa: F401 (bar_chart: read from here too)
from reports.dashboard_knowledge import knowledge_panels
from reports.kinds import participation, people
from reports.kinds.common import (
    NONE,
    CityChoiceField,
    PeriodForm,
    area_names,
    as_date,
    axis_names,
    lead_city_join,
    project_conditions,
    where,
)
from reports.kinds.event_figures import events_chart
from reports.kinds.people import DIRECTION_BY_HOST_CITY
from reports.kinds.programme import amount_key, funding_sql, rate_notes, rates_for
from reports.panel_hosts import most_researchers_chart
from reports.sql import fetch_all, table

REPORTING_CURRENCY = Currency.EUR
# The totals shown side by side (question 2): the two cities' currencies, EUR drawn.
SIDE_BY_SIDE = (Currency.MXN, Currency.EUR)


class DashboardForm(PeriodForm):
    """The dashboard's period (a year, or from–to) and city; empty: all time, both cities."""

    year = forms.IntegerField(label=_l("Year"), required=False, min_value=2000, max_value=2100)
    city = CityChoiceField(help_text=_l("Projects led from this city, its funding and its hosts."))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("year") and (data.get("date_from") or data.get("date_to")):
            raise forms.ValidationError(_("Choose a year or a period from–to, not both."))
        if year := data.get("year"):
            data["date_from"] = datetime.date(year, 1, 1)
            data["date_to"] = datetime.date(year, 12, 31)
        return data


def period_label(parameters: dict[str, Any]) -> str:
    """Name the period (and city) a panel covers, in the official's language."""
    start, end = as_date(parameters.get("date_from")), as_date(parameters.get("date_to"))
    shown = {
        "from": date_format(start, "SHORT_DATE_FORMAT") if start else "",
        "to": date_format(end, "SHORT_DATE_FORMAT") if end else "",
    }
    if start and end:
        text = _("Period: %(from)s to %(to)s") % shown
    elif start:
        text = _("Period: from %(from)s") % shown
    elif end:
        text = _("Period: until %(to)s") % shown
    else:
        text = _("Period: all time")
    if parameters.get("city"):
        text += " · " + _("City: %(city)s") % {"city": parameters["city"]}
    return text


def _projects_scope(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The projects running in the period (and led from the city): a WHERE on ``jp``."""
    conditions, params = project_conditions(parameters)
    if parameters.get("city"):
        conditions.append("lead_party.code = %s")
        params.append(parameters["city"])
    return where(conditions), params


def _key_figures(
    using: str, stays: people.Stays, parameters: dict[str, Any]
) -> list[tuple[str, str]]:
    now = timezone.now()
    scope, params = _projects_scope(parameters)
    institution_city = "AND p.code = %s" if parameters.get("city") else ""
    start, end = as_date(parameters.get("date_from")), as_date(parameters.get("date_to"))
    (figures,) = fetch_all(
        using,
        f"""
        SELECT (SELECT COUNT(*) FROM {table(JointProject)} jp {lead_city_join()} {scope})
                   AS projects,
               (SELECT COUNT(*) FILTER (WHERE jp.status = 'active') FROM {table(JointProject)} jp
                {lead_city_join()} {scope}) AS active,
               (SELECT COUNT(*) FROM {table(Institution)} i JOIN {table(Party)} p
                ON p.id = i.party_id WHERE i.active {institution_city}) AS institutions,
               (SELECT COUNT(*) FROM {table(Call)}
                WHERE opens_at::date <= COALESCE(%s, %s::date)
                  AND closes_at::date >= COALESCE(%s, %s::date)) AS open_calls
        """,  # noqa: S608 (names from Meta)
        [
            *params,
            *params,
            *([parameters["city"]] if parameters.get("city") else []),
            end,
            now.date(),
            start,
            now.date(),
        ],
    )
    cities = [parameters["city"]] if parameters.get("city") else None
    stays_key = people.total_key(cities[0]) if cities else people.ALL
    return [
        (_("Joint projects"), _number(figures["projects"])),
        (_("Active projects"), _number(figures["active"])),
        (_("Institutions"), _number(figures["institutions"])),
        (_("Researcher stays"), _number(stays.pub.shown(stays_key))),
        (_("Calls open in the period"), _number(figures["open_calls"])),
    ]


def _projects_by_area_and_axis(using: str, parameters: dict[str, Any]) -> tuple[Chart, Chart]:
    scope, params = _projects_scope(parameters)
    rows = fetch_all(
        using,
        f"""
        WITH scoped AS (SELECT jp.id, jp.primary_area_id FROM {table(JointProject)} jp
                        {lead_city_join()} {scope})
        SELECT 'area' AS kind, primary_area_id AS id, COUNT(*) AS projects
        FROM scoped GROUP BY primary_area_id
        UNION ALL
        SELECT 'axis', x.axis_id, COUNT(DISTINCT x.jointproject_id)
        FROM {table(JointProject.axes.through)} x JOIN scoped ON scoped.id = x.jointproject_id
        GROUP BY x.axis_id
        """,  # noqa: S608 (names from Meta)
        params,
    )
    counts = {(row["kind"], row["id"]): row["projects"] for row in rows}

    def chart(chart_id: str, title: str, label: str, names: dict[int, str], kind: str) -> Chart:
        items = [(pk, name, counts.get((kind, pk), 0)) for pk, name in names.items()]
        # Question 1: each row opens the admin list of its projects; the areas and axes
        # without any are named under the table.
        links = questions.project_links(kind, parameters)
        none = [name for _pk, name, count in items if not count]
        return Chart(
            id=chart_id,
            title=title,
            columns=[label, _("Projects")],
            rows=[
                (format_html('<a href="{}">{}</a>', links(pk), name), [_number(count)])
                for pk, name, count in items
            ],
            bars=[(name, float(count), _number(count)) for _pk, name, count in items],
            notes=[questions.none_note(kind, none)],
        )

    by_area = chart(
        "projects-area", _("Projects by strategic area"), _("Strategic area"),
        area_names(using), "area",
    )  # fmt: skip
    by_axis = chart("projects-axis", _("Projects by axis"), _("Axis"), axis_names(using), "axis")
    by_axis.notes.insert(0, _("A project with several axes counts under each of them."))
    by_area.notes.insert(0, _("Projects are counted under their primary strategic area."))
    return by_area, by_axis


def _funding_by_city_and_year(using: str, parameters: dict[str, Any]) -> Chart:
    """Funding committed per city and year, in MXN and in EUR side by side (question 2).

    Each total is the programme's own conversion (``funding_sql``) with the rate kept, as kept
    (1 EUR = 22 MXN), and the notes give each rate's date.
    """
    on = timezone.localdate()
    totals = {}
    notes = [
        _("Committed funding by the city of the funder, converted to %(currency)s.")
        % {"currency": " / ".join(SIDE_BY_SIDE)}
    ]
    for target in SIDE_BY_SIDE:
        rates = rates_for(target, on)
        sql, params = funding_sql(parameters, rates, target, ["city", "year"])
        totals[target] = {(row["city"], row["year"]): row for row in fetch_all(using, sql, params)}
        notes += [n for n in rate_notes(target, on, rates) if n not in notes]
    rows = list(totals[REPORTING_CURRENCY].values())
    currencies = list(Currency.values)
    return Chart(
        id="funding",
        title=_("Funding by city and year"),
        columns=[
            _("City and year"),
            *(_("Amount in %(currency)s") % {"currency": c} for c in currencies),
            *(_("Total in %(currency)s") % {"currency": c} for c in SIDE_BY_SIDE),
        ],
        rows=[
            (
                f"{row['city']} {row['year']}",
                [
                    *(_number(row[amount_key(c)], 2) for c in currencies),
                    *(
                        _number(totals[c][(row["city"], row["year"])]["converted"], 2)
                        for c in SIDE_BY_SIDE
                    ),
                ],
            )
            for row in rows
        ],
        # The bars are the totals in the reporting currency, each value saying which.
        bars=[
            (
                f"{row['city']} {row['year']}",
                float(row["converted"] or 0),
                _("%(amount)s %(currency)s")
                % {"amount": _number(row["converted"], 0), "currency": REPORTING_CURRENCY},
            )
            for row in rows
        ],
        notes=[
            *notes,
            _("The bars are the totals in %(currency)s.") % {"currency": REPORTING_CURRENCY},
        ],
    )


def _stays_balance(stays: people.Stays, parameters: dict[str, Any]) -> Chart:
    """Stays each way in the period, from the protected publication the report reads too."""
    pub = stays.pub
    items = [
        (
            str(direction.label),
            pub.shown(people.total_key(host)),
            pub.shown(("completed", host)),
            questions.stays_link(host, parameters),  # question 4: the stays behind it
        )
        for host, direction in DIRECTION_BY_HOST_CITY.items()
        if parameters.get("city") in (None, "", host)
    ]
    to_bcn, to_cdmx = (pub.shown(people.total_key(c)) for c in ("BCN", "CDMX"))
    balance = (
        _number(to_bcn - to_cdmx) if isinstance(to_bcn, int) and isinstance(to_cdmx, int) else NONE
    )
    return Chart(
        id="stays",
        title=_("Balance of stays between the two cities"),
        columns=[_("Direction"), _("Stays"), _("Completed")],
        rows=[
            (format_html('<a href="{}">{}</a>', link, label), [_number(n), _number(done)])
            for label, n, done, link in items
        ],
        bars=[
            (label, float(n) if isinstance(n, int) else 0.0, _number(n))
            for label, n, _d, _link in items
        ],
        notes=[
            _(
                "Balance: %(to_bcn)s stays to Barcelona, %(to_cdmx)s to Mexico City "
                "(difference %(balance)s)."
            )
            % {"to_bcn": _number(to_bcn), "to_cdmx": _number(to_cdmx), "balance": balance},
            PROTECTION_NOTE(),
        ],
    )


def team_publication(using: str, parameters: dict[str, Any] | None = None) -> Publication:
    """Project team members by self-declared gender group, protected (``participation``)."""
    return participation.team_publication(using, parameters)


def _share(women: int | None, others: int | None) -> Decimal | None:
    # The share is shown only when both counts behind it are shown: with a hidden count
    # beside it, it would tell what the hidden count is.
    if women is None or others is None or not women + others:
        return None
    # Rounded here: the number format cuts the decimals it does not show (70.58… as 70.5).
    return (Decimal(women) * 100 / Decimal(women + others)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _womens_participation(
    stays: people.Stays, team: Publication, parameters: dict[str, Any]
) -> Chart:
    """Share of women among applicants, awardees, project teams and researchers on stays,
    over all axes and for axis 3 (question 5), in the period and the city."""
    city = parameters.get("city") or participation.BOTH
    axis = participation.AXIS_NUMBER
    # (label, publication, its three cells: women, others, not stated; drill-down or None)
    groups: list[tuple[str, Publication, list[Any], str | None]] = []
    for population, label in (
        ("applicants", _("Applicants")),
        ("awardees", _("Awardees")),
        ("team", _("Project teams")),
    ):
        for scope in participation.SCOPES:
            groups.append(
                (
                    str(label)
                    if scope == "all"
                    else _("%(group)s, axis %(number)s") % {"group": label, "number": axis},
                    team if population == "team" else stays.pub,
                    [participation.key(population, scope, city, g) for g in participation.GROUPS],
                    None
                    if population == "team"
                    else questions.applications_link(
                        parameters, awarded=population == "awardees", axis=scope == "axis"
                    ),
                )
            )
    # The researchers on stays of the period (all axes), as the mobility report counts them.
    by_city = () if city == participation.BOTH else (city,)
    groups.append(
        (
            str(_("Researchers on stays")),
            stays.pub,
            [("women_share", *by_city, g) for g in participation.GROUPS],
            None,
        )
    )
    table_rows = []
    bars = []
    for label, pub, keys, link in groups:
        share = _share(pub.number(keys[0]), pub.number(keys[1]))
        shown = NONE if share is None else f"{_number(share, 1)} %"
        heading = format_html('<a href="{}">{}</a>', link, label) if link else label
        table_rows.append((heading, [*(_number(pub.shown(k)) for k in keys), shown]))
        bars.append((label, float(share or 0), shown))
    return Chart(
        id="women",
        title=_("Women's participation"),
        columns=[
            _("Group"),
            _("Women"),
            _("Men and other identities"),
            _("Not stated"),
            _("Share of women"),
        ],
        rows=table_rows,
        bars=bars,
        notes=[
            _(
                "Applicants: the applications (drafts aside) to the calls open during the "
                "period, by the host's city; awardees: those of them awarded a stay (awarded, "
                "in progress or completed). Someone who applied to two calls counts twice."
            ),
            _(
                "Project teams: the members of the projects running in the period, by the "
                "city that leads the project. Axis %(number)s: the projects with that axis "
                "among theirs; an application through the joint project it contributes to."
            )
            % {"number": axis},
            _(
                "Researchers on stays: the stays of the period, by the host's city. Gender is "
                "self-declared and optional; for researchers it counts only those who "
                "consented. The share of women is among the people who stated their gender."
            ),
            PROTECTION_NOTE(),
        ],
    )


def PROTECTION_NOTE() -> str:
    return _(
        "“<5”: fewer than five people; “x”: hidden so that a count under five cannot be "
        "worked out from the other figures published for the same period."
    )


LATE_LISTED = 20  # the panel lists the latest projects; the admin filter lists them all


def _late_milestones(using: str, parameters: dict[str, Any]) -> Chart:
    """Projects with milestones not done by their due date, the latest first (question 3).

    As of today, or of the period's end when it is past; each project links to its page,
    and the panel to the admin list filtered to them all. One statement.
    """
    today = timezone.localdate()
    end = as_date(parameters.get("date_to"))
    as_of = min(today, end) if end else today
    scope, params = _projects_scope(parameters)
    rows = fetch_all(
        using,
        f"""
        WITH late AS (
            SELECT m.project_id, COUNT(*) AS milestones, MAX(%s::date - m.due_date) AS days
            FROM {table(Milestone)} m
            WHERE m.status <> 'done' AND m.due_date < %s
            GROUP BY m.project_id
        )
        SELECT jp.id AS id, jp.code AS code, late.milestones AS milestones, late.days AS days,
               COUNT(*) OVER () AS projects
        FROM late JOIN {table(JointProject)} jp ON jp.id = late.project_id
        {lead_city_join()}
        {scope}
        ORDER BY late.days DESC, jp.code
        LIMIT {LATE_LISTED}
        """,  # noqa: S608 (names from Meta)
        [as_of, as_of, *params],
    )
    total = rows[0]["projects"] if rows else 0
    listing = reverse("admin:projects_jointproject_changelist") + "?late=yes"
    return Chart(
        id="late",
        title=_("Projects with late milestones"),
        columns=[_("Project"), _("Late milestones"), _("Days late (the latest)")],
        rows=[
            (
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:projects_jointproject_change", args=[row["id"]]),
                    row["code"],
                ),
                [_number(row["milestones"]), _number(row["days"])],
            )
            for row in rows
        ],
        bars=[(row["code"], float(row["days"]), _number(row["days"])) for row in rows],
        notes=[
            ngettext(
                "%(count)s project has milestones not done by their due date, as of %(date)s.",
                "%(count)s projects have milestones not done by their due date, as of %(date)s.",
                total,
            )
            % {"count": _number(total), "date": date_format(as_of, "SHORT_DATE_FORMAT")},
            format_html(
                '<a href="{}">{}</a>', listing, _("All projects with late milestones (admin list)")
            ),
        ],
    )


def dashboard_context(using: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the key figures and the charts of the dashboard for a period and city.

    Each panel names what it covers; the stays are those of the period (``reports.kinds.
    people``, the same protected cells as the mobility report of that period), with the city
    choosing the stays it hosts.
    """
    parameters = {k: v for k, v in (parameters or {}).items() if v not in (None, "")}
    period = period_label(parameters)
    by_area, by_axis = _projects_by_area_and_axis(using, parameters)
    population = {k: parameters[k] for k in ("date_from", "date_to") if k in parameters}
    stays = people.stays_publication(population, using=using)
    charts = [
        by_area,
        by_axis,
        _funding_by_city_and_year(using, parameters),
        _stays_balance(stays, parameters),
        most_researchers_chart(stays, parameters, notes=[PROTECTION_NOTE()]),
        _womens_participation(stays, team_publication(using, parameters), parameters),
        _late_milestones(using, parameters),
        Chart(**events_chart(using, parameters, _number)),
    ]
    charts += [Chart(**panel) for panel in knowledge_panels(using, parameters)]
    for chart in charts:
        chart.period = period
    return {
        "key_figures": _key_figures(using, stays, parameters),
        "key_figures_period": period,
        "charts": charts,
    }
