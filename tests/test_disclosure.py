"""Disclosure control (cooperation.disclosure): no hidden count can be worked out.

The auditor is checked against an exhaustive search on small systems, then used on
randomised tables (hypothesis) with counts of 1–4 in every position, on tables that share
their totals (a report and the dashboard of one period), and on the demo data.
"""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.disclosure import (
    HIDDEN,
    SMALL,
    Publication,
    _complete_lines,
    audit,
    grid,
    protect,
)

counts = st.one_of(st.integers(0, 4), st.integers(0, 40))


def _brute_force(pub: Publication, cap: int) -> set:
    """Every hidden cell that takes one value in all solutions, by trying every assignment."""
    unknowns = sorted((k for k in pub.values if pub.unknown(k)), key=repr)

    def domain(key):
        value = pub.values[key]
        if key in pub.unpublished:
            return range(cap + 1)
        if 0 < value < 5 and key not in pub.withheld:
            return range(1, 5)
        return range(1, cap + 1)

    seen: dict = {key: set() for key in unknowns}
    for values in itertools.product(*(domain(k) for k in unknowns)):
        assigned = dict(pub.values) | dict(zip(unknowns, values, strict=True))
        if all(assigned[r.total] == sum(assigned[m] for m in r.members) for r in pub.relations):
            for key, value in zip(unknowns, values, strict=True):
                seen[key].add(value)
    return {key for key in unknowns if key in pub.hidden and len(seen[key]) == 1}


@st.composite
def small_systems(draw):
    """A 2×2 table with its margins, two or three of its cells hidden (or unpublished)."""
    values = {(r, c): draw(st.integers(0, 7)) for r in range(2) for c in range(2)}
    pub = Publication()
    grid(pub, "t", values, range(2), range(2))
    keys = sorted(pub.values, key=repr)
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True))
    for key in chosen:
        if draw(st.booleans()) or pub.values[key] == 0:
            pub.unpublished.add(key)
        else:
            pub.hidden.add(key)
    return pub


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_systems())
def test_the_auditor_agrees_with_an_exhaustive_search(pub):
    # Every cell here is at most 28 (the grand total of four cells of at most 7), so an
    # exhaustive search up to 30 sees every solution that matters.
    if any(pub.values[k] > 30 for k in pub.hidden):
        return
    assert audit(pub) == _brute_force(pub, cap=30)


def test_the_auditor_finds_a_small_count_behind_a_total():
    pub = Publication()
    grid(pub, "t", {(0, 0): 3, (0, 1): 10, (1, 0): 7, (1, 1): 8}, range(2), range(2))
    pub.hidden = {("t", 0, 0)}  # "<5" alone: 13 - 10 = 3
    assert audit(pub) == {("t", 0, 0)}


def test_the_auditor_sees_what_the_bounds_give_away():
    # Four hidden cells form a square (each line has two): over the reals they move together,
    # but a "<5" of 4 cannot grow and a "<5" of 1 cannot shrink, so only one solution is left.
    values = {(0, 0): 4, (0, 1): 5, (1, 0): 5, (1, 1): 1}
    values |= {(r, 2): 20 for r in range(3)} | {(2, c): 20 for c in range(2)}
    pub = Publication()
    grid(pub, "t", values, range(3), range(3))
    pub.hidden = {("t", 0, 0), ("t", 0, 1), ("t", 1, 0), ("t", 1, 1)}
    assert audit(pub) == pub.hidden
    protect(pub)
    assert audit(pub) == set()


@st.composite
def tables(draw):
    """A table of 1–6 rows and 1–6 columns, with a count of 1–4 at a chosen position."""
    rows, columns = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    values = {(r, c): draw(counts) for r in range(rows) for c in range(columns)}
    at = (draw(st.integers(0, rows - 1)), draw(st.integers(0, columns - 1)))
    values[at] = draw(st.integers(1, 4))
    return rows, columns, values


def _check(pub: Publication) -> None:
    for key, value in pub.values.items():
        if key in pub.unpublished:
            continue
        shown = pub.shown(key)
        if 0 < value < 5:
            assert shown in (SMALL, HIDDEN)  # "x" when even "<5" would tell it
        else:
            assert shown in (value, HIDDEN)
    for relation in pub.relations:  # no relation has a single hidden cell left
        unknown = [k for k in relation.cells if pub.unknown(k)]
        assert len(unknown) != 1 or unknown[0] not in pub.hidden
    assert audit(pub) == set()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(tables())
def test_no_hidden_count_of_a_table_can_be_worked_out_from_its_margins(table):
    rows, columns, values = table
    pub = Publication()
    grid(pub, "t", values, range(rows), range(columns))
    _check(protect(pub))


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(tables(), st.lists(counts, min_size=6, max_size=6))
def test_tables_that_share_their_totals_are_protected_together(table, extra):
    """A report's table and the dashboard's figures of one period share the rows' totals."""
    rows, columns, values = table
    pub = Publication()
    grid(pub, "report", values, range(rows), range(columns))
    # The dashboard splits the same people another way (two groups per row).
    for r in range(rows):
        total = pub.values[("report", r, "*")]
        first = min(extra[r], total)
        a = pub.cell(("dashboard", r, "a"), first)
        b = pub.cell(("dashboard", r, "b"), total - first)
        pub.relate(("report", r, "*"), [a, b])
    _check(protect(pub))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(tables(), tables())
def test_a_publication_protected_around_one_already_out_stays_safe(first, second):
    rows, columns, values = first
    out = Publication()
    grid(out, "api", values, range(rows), range(columns))
    protect(out)
    pub = Publication()
    pub.include(out)
    rows2, columns2, values2 = second
    grid(pub, "report", values2, range(rows2), range(columns2))
    # The report's grand total is part of the API's grand total; the rest is not published.
    api_all, report_all = pub.values[("api", "*", "*")], pub.values[("report", "*", "*")]
    if report_all <= api_all:
        rest = pub.cell(("rest",), api_all - report_all, published=False)
        pub.relate(("api", "*", "*"), [("report", "*", "*"), rest])
    protect(pub)
    assert set(out.hidden) <= pub.hidden
    assert all(k not in pub.hidden for k in out.values if k not in out.hidden)
    _check(pub)


def test_four_small_counts_adding_up_to_a_small_total_are_withheld():
    # Four "<5" in a row whose total is "<5" can only be 1 each: they are shown as "x".
    pub = Publication()
    grid(pub, "t", {(0, c): 1 for c in range(4)}, range(1), range(4))
    protect(pub)
    assert pub.shown(("t", 0, 0)) == HIDDEN and pub.shown(("t", 0, "*")) == HIDDEN
    assert audit(pub) == set()


def test_the_line_rule_hides_the_next_smallest_cell():
    pub = Publication()
    grid(pub, "t", {(0, 0): 2, (0, 1): 9, (0, 2): 30}, range(1), range(3), column_totals=False)
    pub.hidden = {("t", 0, 0)}
    _complete_lines(pub)
    assert ("t", 0, 1) in pub.hidden


@pytest.mark.django_db
def test_the_auditor_finds_nothing_in_the_demo_data(settings, tmp_path):
    from reports.dashboard import team_publication
    from reports.kinds.people import stays_publication

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # the demo's applications' documents
    call_command("seed_demo", "--first-time", stdout=StringIO())
    call_command("seed_stays_demo", stdout=StringIO())
    from exchanges.statistics import applications_publication

    for pub in (
        applications_publication(),
        stays_publication({}, using="default").pub,
        stays_publication({"date_from": "2026-01-01"}, using="default").pub,
        team_publication("default"),
    ):
        assert pub.protected and audit(pub) == set()
