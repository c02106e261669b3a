"""The hosts that received the most researchers in a period (question 7), as stays' cells.

Each host's count is a cell of the stays' publication (``reports.kinds.people``): the
stays of a host city add up to that city's stays, which the dashboard, the mobility report
and the key figures publish, so a hidden host's count is protected against them. Only the
first ``LISTED`` hosts of each city are shown; the others' counts are figures nobody
publishes. The ranking says more than the counts: every listed host received at least as
many as the next, and the last listed at least as many as any host not listed. Those are
relations too (a difference nobody publishes, never below zero), so the auditor sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cooperation.disclosure import Publication

LISTED = 5  # hosts shown per city, the most researchers first


def host_key(city: str, host_id: int) -> tuple[str, str, int]:
    return ("host", city, host_id)


@dataclass
class Ranking:
    """The listed hosts of each city, most stays first: (host id, names by language)."""

    listed: dict[str, list[tuple[int, dict[str, str]]]]


def add_hosts(
    pub: Publication, rows: list[dict[str, Any]], *, cities: list[str], total_key: Any
) -> Ranking:
    """Add one cell per host of the period and the relations of the ranking; return it.

    ``rows``: city, host_id, stays and the host's names (name, name_es, name_ca, name_en).
    """
    listed: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for city in cities:
        hosts = sorted(
            (r for r in rows if r["city"] == city), key=lambda r: (-r["stays"], r["host_id"])
        )
        shown = hosts[:LISTED]
        for index, row in enumerate(hosts):
            pub.cell(host_key(city, row["host_id"]), row["stays"], published=index < len(shown))
        pub.relate(total_key(city), [host_key(city, r["host_id"]) for r in hosts])
        # The ranking: each listed host at least the next one; the last at least the rest.
        for index, row in enumerate(hosts[1:], start=1):
            above = shown[min(index, len(shown)) - 1]
            gap = pub.cell(
                ("host_gap", city, row["host_id"]), above["stays"] - row["stays"], published=False
            )
            pub.relate(host_key(city, above["host_id"]), [host_key(city, row["host_id"]), gap])
        listed[city] = [
            (
                row["host_id"],
                {k: row[k] or "" for k in ("name", "name_es", "name_ca", "name_en") if k in row},
            )
            for row in shown
        ]
    return Ranking(listed=listed)
