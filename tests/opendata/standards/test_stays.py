"""Awarded stays in the 360Giving file: anonymous grants to individuals, in aggregate when few."""

from __future__ import annotations

import io
import json
import re

import pytest

from exchanges.models import ApplicationEvent, Direction, StayApplication
from opendata.standards.giving360 import write_grants
from opendata.standards.iati import write_activities
from opendata.standards.validation import validate_360giving
from tests.exchanges.factories import CallFactory, add_host
from tests.opendata.standards.conftest import (
    LICENCE_URL,
    PUBLISHED_ON,
    SITE_URL,
    StayStatus,
    award_stays,
    public_projects,
)

RANDOM_ID = re.compile(r"^360G-cdmxbcn-(stay|IND)-[0-9a-f]{16}$")


def _write() -> tuple[dict, object]:
    out = io.BytesIO()
    result = write_grants(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    return json.loads(out.getvalue()), result


def _stay_grants(package: dict, call) -> list[dict]:
    code = f"360G-cdmxbcn-call-{call.pk}"
    return [g for g in package["grants"] if g["grantProgramme"][0]["code"] == code]


def test_four_stays_are_one_aggregate_grant_and_five_are_five_anonymous_ones(stays):
    package, _result = _write()
    few = _stay_grants(package, stays.calls["few"])
    many = _stay_grants(package, stays.calls["many"])

    # Four: one grant for the group, its total, and no number of stays anywhere in it.
    assert len(few) == 1
    (group,) = few
    assert group["amountAwarded"] == 4 * 3 * 1500
    assert group["currency"] == "EUR"
    assert "menos de cinco estancias" in group["description"]
    assert not re.search(r"\b4\b|cuatro", group["description"])
    assert group["recipientIndividual"]["name"] == "Individual Recipient"
    assert group["beneficiaryLocation"] == [{"name": "Ciudad de México", "countryCode": "MX"}]

    # Five: one grant each, the call's stipend for its planned months, the award's month.
    assert len(many) == 5
    assert sorted(g["amountAwarded"] for g in many) == [4500, 4500, 4500, 9000, 9000]
    assert {g["awardDate"] for g in many} == {"2026-02-01"}
    for grant in many:
        assert grant["recipientIndividual"]["name"] == "Individual Recipient"
        assert RANDOM_ID.match(grant["id"]), grant["id"]
        assert RANDOM_ID.match(grant["recipientIndividual"]["id"])
        assert grant["fundingOrganization"][0]["id"] == "360G-cdmxbcn"
        assert grant["beneficiaryLocation"] == [{"name": "Barcelona", "countryCode": "ES"}]
        # Nothing of the stay beyond its call, city, amount and month.
        assert "plannedDates" not in grant and "recipientOrganization" not in grant
    assert len({g["id"] for g in many}) == 5


def test_no_identifier_leads_back_to_the_application(stays):
    first, _ = _write()
    second, _ = _write()
    many = stays.calls["many"]
    ids = {g["id"] for g in _stay_grants(first, many)}
    ids |= {g["recipientIndividual"]["id"] for g in _stay_grants(first, many)}
    again = {g["id"] for g in _stay_grants(second, many)}

    # Drawn anew for each file: two releases cannot be matched to follow one stay.
    assert not ids & again
    # Not the application's number, nor anything computed from it that a reader could redo.
    numbers = {str(a.pk) for a in stays.applications}
    assert all(RANDOM_ID.match(i) for i in ids)
    assert not any(i.rsplit("-", 1)[-1] in numbers for i in ids)
    # The hosts are never named: with the call, a host with one stay points at its person.
    text = json.dumps(first, ensure_ascii=False)
    for host in stays.hosts:
        assert host.code not in text and host.name not in text


def test_a_group_of_five_whose_count_the_statistics_hide_is_aggregated_too(stays):
    # A third call the same way as the five: the direction's total and the four's hidden
    # count would give the five's by subtraction, so the statistics hide it as well.
    bcn_call = stays.calls["many"]
    another = CallFactory(title_es="Otra convocatoria", direction=Direction.CDMX_TO_BCN)
    add_host(another, stays.hosts[1], places=6)
    award_stays(stays, another, stays.hosts[1], 3)

    package, _ = _write()
    small = _stay_grants(package, another)
    assert len(small) == 1 and "menos de cinco" in small[0]["description"]
    grouped = _stay_grants(package, bcn_call)
    assert len(grouped) == 1
    assert "no se publica" in grouped[0]["description"]
    assert grouped[0]["amountAwarded"] == 3 * 4500 + 2 * 9000
    assert not re.search(r"\b5\b|cinco estancias", grouped[0]["description"])


def test_the_stays_grants_validate_against_the_schema(stays, programme, schemas, tmp_path):
    out = io.BytesIO()
    write_grants(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    path = tmp_path / "grants.json"
    path.write_bytes(out.getvalue())
    assert validate_360giving(path) == []


@pytest.mark.parametrize("writer", [write_grants, write_activities], ids=["360giving", "iati"])
def test_files_name_none_of_the_awarded_researchers(stays, programme, writer):
    out = io.BytesIO()
    writer(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    text = out.getvalue().decode().casefold()
    assert [p for p in ["Eulalia", *stays.people] if p.casefold() in text] == []
    assert "@" not in text
    assert "estancia de villaseñor" not in text  # the applications' own titles


def test_stays_without_a_host_or_dates_are_left_out_and_said_why(stays, schemas, tmp_path):
    many = stays.calls["many"]
    no_dates, no_host = stays.applications[-2:]
    StayApplication.objects.filter(pk=no_dates.pk).update(start_date=None)
    StayApplication.objects.filter(pk=no_host.pk).update(host=None)

    out = io.BytesIO()
    result = write_grants(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    package = json.loads(out.getvalue())
    omissions = {(o.record, o.reason) for o in result.omissions}
    record = f"awarded stays of call {many.pk}"
    assert (record, "A stay with no host institution is left out.") in omissions
    assert (record, "A stay with no planned dates has no amount: it is left out.") in omissions
    # Three left of five: not the count the statistics show, so one aggregate of the three.
    grouped = _stay_grants(package, many)
    assert len(grouped) == 1
    assert grouped[0]["amountAwarded"] == 3 * 4500
    path = tmp_path / "grants.json"
    path.write_bytes(out.getvalue())
    assert validate_360giving(path) == []


def test_award_month_is_never_after_the_file_and_has_no_day(stays):
    ApplicationEvent.objects.filter(application__call=stays.calls["many"]).delete()
    StayApplication.objects.filter(call=stays.calls["many"]).update(status=StayStatus.COMPLETED)
    package, _ = _write()
    # No award step recorded: the month the call closes, which is after the file here.
    dates = {g["awardDate"] for g in _stay_grants(package, stays.calls["many"])}
    assert dates == {PUBLISHED_ON.replace(day=1).isoformat()}


def test_the_stays_take_a_constant_number_of_queries(stays, django_assert_num_queries):
    # The projects (none here: one query), the stays counted, the stay statistics (calls,
    # counts, host decisions, scores), the calls, the cities, the stays' rows (one cursor).
    with django_assert_num_queries(1 + 1 + 4 + 1 + 1 + 1):
        _write()
    award_stays(stays, stays.calls["many"], stays.hosts[1], 20)
    with django_assert_num_queries(1 + 1 + 4 + 1 + 1 + 1):
        _write()


def test_stays_that_change_between_the_counts_and_the_rows_are_aggregated(stays, monkeypatch):
    from opendata.standards import stays as module

    counted = module._counts()
    many = stays.calls["many"]
    # The five were awarded after the counts were read: the counts do not know their group.
    monkeypatch.setattr(
        module, "_counts", lambda: {k: v for k, v in counted.items() if k[0] != many.pk}
    )
    package, _ = _write()
    grouped = _stay_grants(package, many)
    assert len(grouped) == 1 and "no se publica" in grouped[0]["description"]
    assert len(_stay_grants(package, stays.calls["few"])) == 1
