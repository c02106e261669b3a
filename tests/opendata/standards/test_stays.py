"""Awarded stays in the 360Giving file: anonymous grants to individuals, pooled when few."""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

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
    return [g for g in package["grants"] if g.get("grantProgramme", [{}])[0].get("code") == code]


def _pooled(package: dict) -> list[dict]:
    """Return the pooled grants of the hidden groups (one per currency)."""
    return [g for g in package["grants"] if "-stays-pooled-" in g["id"]]


ALONE = (
    "The stays of a call whose number is not published are left out: with one group their "
    "total would give the number away."
)


def _assert_names_no_group(grant: dict, *calls) -> None:
    """Assert the grant names no call, no host city and no count of stays."""
    # The funder is the programme, whose name holds both cities' names: the rest is read.
    rest = {k: v for k, v in grant.items() if k != "fundingOrganization"}
    text = json.dumps(rest, ensure_ascii=False)
    assert "grantProgramme" not in grant and "beneficiaryLocation" not in grant
    for call in calls:
        assert call.title_es not in text and f"call-{call.pk}" not in text
    assert "México" not in text and "Barcelona" not in text
    assert not re.search(r"\b\d+ estancias|cinco|cuatro|tres", grant["description"])


def test_a_hidden_group_alone_is_left_out_and_five_shown_are_five_anonymous_ones(stays):
    package, result = _write()
    few = stays.calls["few"]
    many = _stay_grants(package, stays.calls["many"])

    # Four, hidden as "<5", the only hidden group: its total (4 x 4,500) with the stipend
    # and the minimum stay would give its count, so it is left out and the report says why.
    assert _stay_grants(package, few) == [] and _pooled(package) == []
    assert [(o.record, o.reason) for o in result.omissions] == [
        (f"awarded stays of call {few.pk}", ALONE)
    ]
    assert str(4 * 3 * 1500) not in json.dumps(package)

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


def test_two_hidden_groups_are_one_pooled_grant_naming_neither(stays, schemas, tmp_path):
    # A second small call the same way as the four, hosted in the same city: both hidden.
    few = stays.calls["few"]
    other = CallFactory(title_es="Otra convocatoria pequeña", direction=Direction.BCN_TO_CDMX)
    add_host(other, stays.hosts[0], places=6)
    award_stays(stays, other, stays.hosts[0], 2, months=6)
    ApplicationEvent.objects.filter(application__call=other).update(
        at=timezone.make_aware(datetime.datetime(2026, 4, 3, 9, 0))
    )

    out = io.BytesIO()
    result = write_grants(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    package = json.loads(out.getvalue())
    assert _stay_grants(package, few) == [] and _stay_grants(package, other) == []
    (pooled,) = _pooled(package)
    assert pooled["amountAwarded"] == 4 * 4500 + 2 * 9000
    assert pooled["currency"] == "EUR"
    assert pooled["awardDate"] == "2026-04-01"  # the latest award month of the pool
    assert pooled["fundingOrganization"][0]["id"] == "360G-cdmxbcn"
    assert pooled["recipientIndividual"]["name"] == "Individual Recipient"
    assert "no se publica" in pooled["description"]
    _assert_names_no_group(pooled, few, other)
    assert list(result.omissions) == []
    # The five shown are still five grants of their own.
    assert len(_stay_grants(package, stays.calls["many"])) == 5
    path = tmp_path / "grants.json"
    path.write_bytes(out.getvalue())
    assert validate_360giving(path) == []


def test_a_hidden_group_alone_in_its_currency_is_left_out(stays):
    euros = CallFactory(title_es="Convocatoria en euros", direction=Direction.BCN_TO_CDMX)
    add_host(euros, stays.hosts[0], places=6)
    award_stays(stays, euros, stays.hosts[0], 2)
    pesos = CallFactory(
        title_es="Convocatoria en pesos",
        direction=Direction.BCN_TO_CDMX,
        monthly_stipend=Decimal("30000.00"),
        stipend_currency="MXN",
    )
    add_host(pesos, stays.hosts[0], places=6)
    award_stays(stays, pesos, stays.hosts[0], 3)

    package, result = _write()
    # The euros' two hidden groups are pooled; the pesos' one group would be its own total.
    (pooled,) = _pooled(package)
    assert pooled["currency"] == "EUR"
    assert pooled["amountAwarded"] == (4 + 2) * 4500
    assert [g for g in package["grants"] if g["currency"] == "MXN"] == []
    assert [(o.record, o.reason) for o in result.omissions] == [
        (f"awarded stays of call {pesos.pk}", ALONE)
    ]


def test_a_pool_of_fewer_than_five_stays_is_left_out_group_by_group(stays):
    few = stays.calls["few"]
    StayApplication.objects.filter(call=few).exclude(
        pk__in=[a.pk for a in stays.applications[:2]]
    ).delete()
    other = CallFactory(title_es="Otra convocatoria", direction=Direction.BCN_TO_CDMX)
    add_host(other, stays.hosts[0], places=6)
    award_stays(stays, other, stays.hosts[0], 2)

    package, result = _write()
    # Two groups, four stays in all: a total that small would bound a count the same way.
    assert _pooled(package) == []
    records = sorted(o.record for o in result.omissions)
    assert records == sorted(f"awarded stays of call {c.pk}" for c in (few, other))
    (reason,) = {o.reason for o in result.omissions}
    assert "left out" in reason and not re.search(r"\d", reason)


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


def test_a_group_of_five_whose_count_the_statistics_hide_is_pooled_too(stays):
    # A third call the same way as the five: the direction's total and the four's hidden
    # count would give the five's by subtraction, so the statistics hide it as well.
    bcn_call = stays.calls["many"]
    another = CallFactory(title_es="Otra convocatoria", direction=Direction.CDMX_TO_BCN)
    add_host(another, stays.hosts[1], places=6)
    award_stays(stays, another, stays.hosts[1], 3)

    package, result = _write()
    assert _stay_grants(package, another) == [] and _stay_grants(package, bcn_call) == []
    # The four, the three and the five: three hidden groups in one pool.
    (pooled,) = _pooled(package)
    assert pooled["amountAwarded"] == 4 * 4500 + 3 * 4500 + 3 * 4500 + 2 * 9000
    _assert_names_no_group(pooled, stays.calls["few"], bcn_call, another)
    assert list(result.omissions) == []


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
    # Three left of five: not the count the statistics show, so pooled with the four.
    assert _stay_grants(package, many) == []
    (pooled,) = _pooled(package)
    assert pooled["amountAwarded"] == 3 * 4500 + 4 * 4500
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


def test_stays_that_change_between_the_counts_and_the_rows_are_pooled(stays, monkeypatch):
    from opendata.standards import stays as module

    counted = module._counts()
    many = stays.calls["many"]
    # The five were awarded after the counts were read: the counts do not know their group.
    monkeypatch.setattr(
        module, "_counts", lambda: {k: v for k, v in counted.items() if k[0] != many.pk}
    )
    package, _ = _write()
    assert _stay_grants(package, many) == [] and _stay_grants(package, stays.calls["few"]) == []
    (pooled,) = _pooled(package)
    assert pooled["amountAwarded"] == 4 * 4500 + 3 * 4500 + 2 * 9000
