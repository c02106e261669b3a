"""Women's participation (question 5): applicants, awardees and project teams, with axis 3.

The applicants of a period are the applications (drafts aside) to the calls open during the
period, as in the call outcome report (``reports.kinds.calls``); the awardees are those of
them awarded a stay (awarded, in progress or completed, ``exchanges.statistics.
STAY_STATUSES``). A person who applied to two calls counts twice, as each call's figures do.
Their cells are added to the stays' publication (``reports.kinds.people``) before it is
protected, because they are sums of the call-by-status counts that publication holds (the API's
``stay-statistics``): a total of applicants is the sum of its calls' totals, a total of
awardees the sum of their stay statuses, and, over all time, the awardees of a host city are
the stays it hosted. Stated as relations, the auditor sees every way to subtract them.

Project teams are those of the projects running in the period, by the city that leads them;
their publication is apart (other people, no sum shared with the stays).

Each population is counted over all axes and for axis 3 (the axis whose ``number`` is 3 in
the programme's catalogue: the projects with it among their axes; an application through the
joint project it contributes to), per host city (teams: per lead city) and for both cities.
"""

from __future__ import annotations

from typing import Any

from cooperation.disclosure import Publication, protect
from cooperation.models import Axis, Institution, Party
from exchanges import statistics
from exchanges.models import Call, ResearcherProfile, StayApplication
from projects.models import JointProject, TeamMember
from reports.kinds.common import (
    call_conditions,
    lead_city_join,
    project_conditions,
    where,
)
from reports.sql import fetch_all, table

AXIS_NUMBER = 3  # question 5 asks for "axis 3": the catalogue's axis numbered 3
CITIES = ["BCN", "CDMX"]
BOTH = "*"  # both cities
ELSEWHERE = "elsewhere"  # a host (or lead) in neither city, or none yet: never published
GROUPS = ["woman", "others", "unstated"]
SCOPES = ["all", "axis"]
POPULATIONS = ["applicants", "awardees"]
# The stays' gender cells that make up each group (for the all-time relation with the stays).
UNSTATED = ["undisclosed"]


def key(population: str, scope: str, city: str, group: str) -> tuple[str, str, str, str]:
    """The cell of a population (applicants, awardees, team), scope, city and group ("*")."""
    return (population, scope, city, group)


def _group_sql(consented: str) -> str:
    return f"""CASE WHEN {consented} AND rp.gender = 'woman' THEN 'woman'
                    WHEN {consented} AND rp.gender NOT IN ('', 'woman', 'undisclosed')
                         THEN 'others'
                    ELSE 'unstated' END"""


def _axis_sql(project: str, number: str = str(AXIS_NUMBER)) -> str:
    """Whether the project ``project`` has the axis numbered ``number`` (SQL or "%s")."""
    return (
        f"EXISTS (SELECT 1 FROM {table(JointProject.axes.through)} px "  # noqa: S608 (names from Meta)
        f"JOIN {table(Axis)} ax ON ax.id = px.axis_id "
        f"WHERE px.jointproject_id = {project} AND ax.number = {number})"
    )


CONSENTED = "rp.sensitive_consent_at IS NOT NULL AND rp.anonymised_at IS NULL"


def applications_where(parameters: dict[str, Any]) -> tuple[str, str, list[Any]]:
    """Return the FROM, the WHERE and the parameters of the applicants of a period.

    The one rule of "an applicant of the period", which the admin list behind the figures
    reads too (``reports.questions.applications_of_period``). Scope keys besides the period:
    ``host_city``, ``awarded`` ("yes") and ``axis`` (the axis number).
    """
    conditions, params = call_conditions(parameters)
    conditions.insert(0, "a.status <> 'draft'")
    if city := parameters.get("host_city"):
        conditions.append("hp.code = %s")
        params.append(city)
    if parameters.get("awarded") == "yes":
        conditions.append("a.status = ANY(%s)")
        params.append([str(s) for s in statistics.STAY_STATUSES])
    if parameters.get("axis"):
        conditions.append(_axis_sql("a.joint_project_id", "%s"))
        params.append(int(parameters["axis"]))
    source = f"""
        FROM {table(StayApplication)} a
        JOIN {table(Call)} c ON c.id = a.call_id
        LEFT JOIN {table(Institution)} h ON h.id = a.host_id
        LEFT JOIN {table(Party)} hp ON hp.id = h.party_id
        LEFT JOIN {table(ResearcherProfile)} rp ON rp.user_id = a.researcher_id
    """
    return source, where(conditions), params


def _cells(
    pub: Publication,
    population: str,
    counts: dict[tuple[str, str, str], int],
    *,
    published_totals: bool,
) -> None:
    """Add one population's cells (scope × city × group) and the sums that tie them."""
    for scope in SCOPES:
        for city in [*CITIES, ELSEWHERE, BOTH]:
            for group in GROUPS:
                if city == BOTH:
                    value = sum(counts.get((scope, c, group), 0) for c in [*CITIES, ELSEWHERE])
                else:
                    value = counts.get((scope, city, group), 0)
                pub.cell(key(population, scope, city, group), value, published=city != ELSEWHERE)
            total = pub.cell(
                key(population, scope, city, "*"),
                sum(pub.values[key(population, scope, city, g)] for g in GROUPS),
                published=published_totals and city != ELSEWHERE,
            )
            pub.relate(total, [key(population, scope, city, g) for g in GROUPS])
        for group in [*GROUPS, "*"]:
            pub.relate(
                key(population, scope, BOTH, group),
                [key(population, scope, c, group) for c in [*CITIES, ELSEWHERE]],
            )
    # Axis 3 is a part of all axes: the rest is a figure nobody publishes.
    for city in [*CITIES, ELSEWHERE, BOTH]:
        for group in [*GROUPS, "*"]:
            whole, part = key(population, "all", city, group), key(population, "axis", city, group)
            rest = pub.cell(
                (population, "other_axes", city, group),
                pub.values[whole] - pub.values[part],
                published=False,
            )
            pub.relate(whole, [part, rest])


def add_applicants(pub: Publication, parameters: dict[str, Any], *, using: str) -> None:
    """Add the applicants' and awardees' cells of the period to the stays' publication.

    ``pub`` must hold the call-by-status counts (``statistics.applications_publication``);
    one statement.
    """
    source, conditions, params = applications_where(
        {k: parameters.get(k) for k in ("date_from", "date_to")}
    )
    rows = fetch_all(
        using,
        f"""
        SELECT CASE WHEN hp.code = ANY(%s) THEN hp.code ELSE '{ELSEWHERE}' END AS city,
               a.status = ANY(%s) AS awarded,
               {_axis_sql("a.joint_project_id")} AS axis,
               {_group_sql(CONSENTED)} AS grp,
               a.call_id AS call_id, COUNT(*) AS n
        {source}
        {conditions}
        GROUP BY 1, 2, 3, 4, 5
        """,
        [CITIES, [str(s) for s in statistics.STAY_STATUSES], *params],
    )
    counts = {
        (row["call_id"], row["city"], row["awarded"], row["axis"], row["grp"]): row["n"]
        for row in rows
    }
    applicant_cells(pub, counts)


Counts = dict[tuple[int, str, bool, bool, str], int]
"""Applications per (call, host city or ELSEWHERE, awarded, axis 3, group)."""


def applicant_cells(pub: Publication, counts: Counts) -> None:
    """Add the applicants' and awardees' cells, and their sums, from ``Counts``.

    ``pub`` holds the call-by-status counts; the tests feed this random counts (hypothesis).
    """
    by_population: dict[str, dict[tuple[str, str, str], int]] = {p: {} for p in POPULATIONS}
    calls: set[int] = set()
    for (call_id, city, awarded, axis, group), n in counts.items():
        calls.add(call_id)
        for population in POPULATIONS:
            if population == "awardees" and not awarded:
                continue
            for scope in ["all", "axis"] if axis else ["all"]:
                cell = (scope, city, group)
                by_population[population][cell] = by_population[population].get(cell, 0) + n
    for population in POPULATIONS:
        _cells(pub, population, by_population[population], published_totals=False)
    # Awardees are a part of the applicants; the rest is not published.
    for scope in SCOPES:
        for city in [*CITIES, ELSEWHERE, BOTH]:
            for group in [*GROUPS, "*"]:
                whole = key("applicants", scope, city, group)
                part = key("awardees", scope, city, group)
                rest = pub.cell(
                    ("not_awarded", scope, city, group),
                    pub.values[whole] - pub.values[part],
                    published=False,
                )
                pub.relate(whole, [part, rest])
    # The totals are sums of the call-by-status counts (the API's): state them.
    ordered = sorted(calls)
    pub.relate(key("applicants", "all", BOTH, "*"), [statistics.call_total_key(c) for c in ordered])
    pub.relate(
        key("awardees", "all", BOTH, "*"),
        [statistics.status_key(c, s) for c in ordered for s in statistics.STAY_STATUSES],
    )


def stays_groups(genders: list[str], not_stated: str) -> dict[str, list[str]]:
    """The stays' gender cells that make up each group of this module."""
    return {
        "woman": ["woman"],
        "others": [g for g in genders if g not in ("woman", *UNSTATED)],
        "unstated": [*UNSTATED, not_stated],
    }


def team_where(parameters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The WHERE on ``jp`` of the projects whose teams are counted: running in the period."""
    conditions, params = project_conditions(
        {k: parameters.get(k) for k in ("date_from", "date_to")}
    )
    return where(conditions), params


def team_publication(using: str, parameters: dict[str, Any] | None = None) -> Publication:
    """Project team members by self-declared gender group, protected; one statement.

    The projects running in the period, per the city that leads them, over all axes and for
    axis 3. A team's size is public (the teams are listed by name), so the totals are
    published cells.
    """
    scope, params = team_where(parameters or {})
    rows = fetch_all(
        using,
        f"""
        SELECT CASE WHEN lead_party.code = ANY(%s) THEN lead_party.code
                    ELSE '{ELSEWHERE}' END AS city,
               {_axis_sql("jp.id")} AS axis,
               CASE WHEN t.gender = 'woman' THEN 'woman'
                    WHEN t.gender NOT IN ('', 'woman', 'undisclosed') THEN 'others'
                    ELSE 'unstated' END AS grp,
               COUNT(*) AS n
        FROM {table(TeamMember)} t JOIN {table(JointProject)} jp ON jp.id = t.project_id
        {lead_city_join()}
        {scope}
        GROUP BY 1, 2, 3
        """,  # noqa: S608 (names from Meta)
        [CITIES, *params],
    )
    counts: dict[tuple[str, str, str], int] = {}
    for row in rows:
        for scope_name in ["all", "axis"] if row["axis"] else ["all"]:
            cell = (scope_name, row["city"], row["grp"])
            counts[cell] = counts.get(cell, 0) + row["n"]
    pub = Publication()
    _cells(pub, "team", counts, published_totals=True)
    return protect(pub)
