"""The stays of a period as one protected publication (``cooperation.disclosure``).

Every figure the portal gives out about the researchers on stays in a period is a cell of
this publication: the mobility report's tables (by direction, host kind and duration; by
area; gender; accessibility), the dashboard's stays each way, its completed stays, its key
figure and its women's share. Cells that count the same people are the same cell, so a
figure hidden in the report is hidden on the dashboard, and a total on the dashboard is a
relation the report's cells must not give away. The call-by-status counts of the API and of
the call outcome report (``exchanges.statistics``) are included as they were published, with
the relation between their awarded, in-progress and completed counts and the stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cooperation.disclosure import Publication, protect
from cooperation.models import Institution, Party, StrategicArea
from exchanges import statistics
from exchanges.models import Call, Direction, HostDecision, ResearcherProfile, Stay, StayApplication
from reports.kinds import hosts, participation
from reports.kinds.common import as_date, where
from reports.sql import fetch_all, table

CITIES = ["BCN", "CDMX"]  # host city; the researcher comes from the other one
DIRECTION_BY_HOST_CITY = {"BCN": Direction.CDMX_TO_BCN, "CDMX": Direction.BCN_TO_CDMX}
STAY_STATUSES = statistics.STAY_STATUSES
BANDS = ["lt30", "30_89", "90_179", "180", "unknown"]
NOT_STATED = "not_stated"


def genders() -> list[str]:
    """The genders a researcher may declare, read when counted (a new one gets its cells)."""
    return list(ResearcherProfile.Gender.values)


CONSENTED = participation.CONSENTED  # consented and not anonymised: one rule for every count


def total_key(city: str) -> tuple[str, str, str]:
    return ("stays", city, "*")


ALL = ("stays", "*", "*")


@dataclass
class Stays:
    """The protected stays of a period, with the keys its tables read."""

    pub: Publication
    combos: list[tuple[str, str]]  # (host kind, band) of the stays table's columns
    areas: list[int | None]
    hosts: hosts.Ranking  # question 7: the hosts with the most stays, per city


def _base(parameters: dict[str, Any]) -> tuple[str, str, list[Any], str]:
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


def stays_where(parameters: dict[str, Any]) -> tuple[str, str, list[Any], str]:
    """Return the FROM, the WHERE (on ``a``, the application, and ``hp``, the host's city),
    the parameters and the duration band of the stays of a period: the one rule of "a stay of
    the period", which the dashboard's drill-down reads too (``reports.questions``)."""
    return _base(parameters)


def stays_publication(parameters: dict[str, Any], *, using: str) -> Stays:
    """Count the stays of the period in every way the portal shows them, and protect them.

    Five statements: the stays by host city, host kind and duration band with their people
    (gender, accessibility, completed); the stays by host city and area; the stays of each
    call (for the relation with the call-by-status counts); the stays of each host (question
    7, ``reports.kinds.hosts``); the applicants and awardees (question 5). The host-city
    filter of a report selects rows of this publication; it does not make another one.
    """
    source, conditions, params, band = _base(parameters)
    declared_genders = genders()
    gender_counts = ", ".join(
        f"COUNT(*) FILTER (WHERE {CONSENTED} AND rp.gender = '{g}') AS g_{g}"
        for g in declared_genders
    )
    rows = fetch_all(
        using,
        f"""
        SELECT hp.code AS city, h.kind AS kind, {band} AS band, COUNT(*) AS stays,
               COUNT(*) FILTER (WHERE a.status = 'completed') AS completed, {gender_counts},
               COUNT(*) FILTER (WHERE NOT ({CONSENTED}) OR rp.gender IS NULL OR rp.gender = '')
                   AS g_{NOT_STATED},
               COUNT(*) FILTER (WHERE {CONSENTED} AND rp.accessibility_needs <> '')
                   AS declared
        {source}
        {conditions}
        GROUP BY hp.code, h.kind, {band}
        """,
        params,
    )
    by_area = fetch_all(
        using,
        f"""
        SELECT hp.code AS city, ca.strategicarea_id AS area_id, COUNT(DISTINCT a.id) AS stays
        {source}
        LEFT JOIN {table(Call.areas.through)} ca ON ca.call_id = a.call_id
        {conditions}
        GROUP BY hp.code, ca.strategicarea_id
        """,
        params,
    )
    by_call = fetch_all(
        using,
        f"SELECT a.call_id AS call_id, hp.code AS city, COUNT(*) AS stays "
        f"{source} {conditions} GROUP BY a.call_id, hp.code",
        params,
    )
    by_host = fetch_all(
        using,
        f"SELECT hp.code AS city, a.host_id AS host_id, h.kind AS kind, h.name AS name, "
        f"h.name_es AS name_es, "
        f"h.name_ca AS name_ca, h.name_en AS name_en, COUNT(*) AS stays "
        f"{source} {conditions} GROUP BY hp.code, a.host_id, h.id",
        params,
    )
    kinds = list(Institution.Kind.values)
    combos = [(k, b) for k in kinds for b in BANDS]
    pub = Publication()
    pub.include(statistics.applications_publication(using=using))
    counts: dict[tuple[str, tuple[str, str]], int] = {}
    people: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["city"] not in CITIES:
            continue
        counts[(row["city"], (row["kind"], row["band"]))] = row["stays"]
        for name in ["completed", "declared", *(f"g_{g}" for g in [*declared_genders, NOT_STATED])]:
            people[(row["city"], name)] = people.get((row["city"], name), 0) + row[name]
    for city in CITIES:
        cells = [pub.cell(("stays", city, c), counts.get((city, c), 0)) for c in combos]
        total = pub.cell(total_key(city), sum(pub.values[c] for c in cells))
        pub.relate(total, cells)
        gender = [
            pub.cell(("gender", city, g), people.get((city, f"g_{g}"), 0))
            for g in [*declared_genders, NOT_STATED]
        ]
        pub.relate(total, gender)
        declared = pub.cell(("access", city, "declared"), people.get((city, "declared"), 0))
        none = pub.cell(("access", city, "none"), pub.values[total] - pub.values[declared])
        pub.relate(total, [declared, none])
        done = pub.cell(("completed", city), people.get((city, "completed"), 0))
        rest = pub.cell(
            ("not_completed", city), pub.values[total] - pub.values[done], published=False
        )
        pub.relate(total, [done, rest])
    # The columns' totals (all cities) are stated unpublished: they are sums all the same.
    for c in combos:
        column = pub.cell(
            ("stays", "*", c), sum(pub.values[("stays", city, c)] for city in CITIES),
            published=False,
        )  # fmt: skip
        pub.relate(column, [("stays", city, c) for city in CITIES])
    everyone = pub.cell(ALL, sum(pub.values[total_key(city)] for city in CITIES))
    pub.relate(everyone, [total_key(city) for city in CITIES])
    # The dashboard's women's participation: sums over both cities of the gender cells.
    groups = participation.stays_groups(declared_genders, NOT_STATED)
    for name, members in groups.items():
        keys = [("gender", city, g) for city in CITIES for g in members]
        pub.cell(("women_share", name), sum(pub.values[k] for k in keys))
        pub.relate(("women_share", name), keys)
        for city in CITIES:  # the dashboard of one city: its hosts' stays
            keys = [("gender", city, g) for g in members]
            pub.cell(("women_share", city, name), sum(pub.values[k] for k in keys))
            pub.relate(("women_share", city, name), keys)
    # Stays by area: a stay under a call with several areas counts under each, so the area
    # cells add up to the city's stays plus an overlap that nobody publishes.
    area_ids = sorted(
        {row["area_id"] for row in by_area}, key=lambda pk: (pk is None, pk or 0)
    )  # fmt: skip
    area_counts = {(r["city"], r["area_id"]): r["stays"] for r in by_area}
    for city in CITIES:
        cells = [pub.cell(("area", city, a), area_counts.get((city, a), 0)) for a in area_ids]
        sum_key = pub.cell(
            ("area", city, "sum"), sum(pub.values[c] for c in cells), published=False
        )
        pub.relate(sum_key, cells)
        overlap = pub.cell(
            ("area", city, "overlap"),
            pub.values[sum_key] - pub.values[total_key(city)],
            published=False,
        )
        pub.relate(sum_key, [total_key(city), overlap])
    # The call-by-status counts hold every stay of all time: the period's stays are a part.
    call_stays = {(r["call_id"], r["city"]): r["stays"] for r in by_call}
    directions = dict(Call.objects.using(using).order_by("pk").values_list("pk", "direction"))
    all_time = [statistics.status_key(pk, s) for pk in directions for s in STAY_STATUSES]
    if all_time:
        pub.cell(("stays_all_time",), sum(pub.values[k] for k in all_time), published=False)
        pub.relate(("stays_all_time",), all_time)
        outside = pub.cell(
            ("stays_outside_period",),
            pub.values[("stays_all_time",)] - pub.values[ALL],
            published=False,
        )
        bounded = parameters.get("date_from") or parameters.get("date_to")
        bounded = bounded or parameters.get("areas")
        if bounded:
            pub.relate(("stays_all_time",), [ALL, outside])
        else:  # everything, all the time: the two counts are one
            pub.relate(("stays_all_time",), [ALL])
        if not bounded:
            # A one-way call's stays all go to its destination; a two-way call's split is
            # not published. (Added only where the data keeps that rule.)
            for city, direction in DIRECTION_BY_HOST_CITY.items():
                one_way = [
                    statistics.status_key(pk, s)
                    for pk, d in directions.items()
                    if d == direction and statistics.call_total_key(pk) in pub.values
                    for s in STAY_STATUSES
                ]
                both = pub.cell(
                    ("stays_two_way_calls", city),
                    sum(
                        n
                        for (pk, host), n in call_stays.items()
                        if host == city and directions.get(pk) == Direction.BOTH
                    ),
                    published=False,
                )
                pub.relate(total_key(city), [*one_way, both], strict=False)
    ranking = hosts.add_hosts(pub, by_host, cities=CITIES, total_key=total_key)
    # A host's stays are also among those of its kind (the stays table's columns, all bands).
    for city in CITIES:
        for kind in kinds:
            of_kind = pub.cell(
                ("host_kind", city, kind),
                sum(pub.values[("stays", city, (kind, b))] for b in BANDS),
                published=False,
            )
            pub.relate(of_kind, [("stays", city, (kind, b)) for b in BANDS])
            pub.relate(
                of_kind,
                [
                    hosts.host_key(city, r["host_id"])
                    for r in by_host
                    if r["city"] == city and r["kind"] == kind
                ],
            )
    # Question 5's applicants and awardees: sums of the same calls' counts, protected with them.
    participation.add_applicants(pub, parameters, using=using)
    if not (parameters.get("date_from") or parameters.get("date_to") or parameters.get("areas")):
        # Over all time, a host city's awardees are the stays it hosted, group by group.
        for city in CITIES:
            for group, members in groups.items():
                pub.relate(
                    participation.key("awardees", "all", city, group),
                    [("gender", city, g) for g in members],
                    strict=False,
                )
    return Stays(pub=protect(pub), combos=combos, areas=area_ids, hosts=ranking)


def area_name_map(using: str) -> dict[int, str]:
    return {a.pk: str(a.name) for a in StrategicArea.objects.using(using).order_by("number")}
