"""The IATI activities file: valid against the 2.03 XSD, IATI's rules, and the fixture's data."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from lxml import etree

from opendata.standards.iati import write_activities
from opendata.standards.validation import validate_iati
from tests.opendata.standards.conftest import LICENCE_URL, PUBLISHED_ON, SITE_URL, public_projects

LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REF = "XI-IATI-CDMXBCN"


def _write(path: Path | None = None, projects=None):
    out = io.BytesIO()
    result = write_activities(
        out,
        projects=public_projects() if projects is None else projects,
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    if path is not None:
        path.write_bytes(out.getvalue())
    return etree.fromstring(out.getvalue()), result


def _activities(root) -> dict[str, etree._Element]:
    return {
        a.findtext("iati-identifier").removeprefix(f"{REF}-"): a for a in root.iter("iati-activity")
    }


def _narratives(element) -> dict[str, str]:
    return {n.get(LANG, "es"): n.text for n in element.findall("narrative")}


def test_file_validates_against_the_203_schema(programme, schemas, tmp_path):
    path = tmp_path / "activities.xml"
    root, result = _write(path)

    assert validate_iati(path) == []
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert datetime.datetime.fromisoformat(root.get("generated-datetime")).tzinfo is not None
    assert result.records == len(root) == 4


def test_only_the_projects_given_are_published(programme):
    root, _result = _write()
    assert set(_activities(root)) == {
        programme.full.code,
        programme.gender.code,
        programme.leaderless.code,
        programme.untranslated.code,
    }
    assert programme.private.code.encode() not in etree.tostring(root)


def test_activity_says_what_the_project_says(programme):
    activity = _activities(_write()[0])[programme.full.code]

    assert activity.get(LANG) == "es"
    assert activity.get("default-currency") == "MXN"  # the lead's city's
    reporting = activity.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == (REF, "11")
    assert set(_narratives(reporting)) == {"es", "ca", "en"}
    assert _narratives(activity.find("title")) == {
        "es": "Agua y ciudad",
        "ca": "Aigua i ciutat",
        "en": "Water and the city",
    }
    assert _narratives(activity.find("description")) == {
        "es": "Gestión del agua urbana.",
        "en": "Urban water management.",
    }
    roles = sorted(
        (o.get("role"), o.get("ref"), o.get("type")) for o in activity.iter("participating-org")
    )
    assert roles == [
        ("1", "XI-IATI-CDMXBCN-city-BCN", "11"),
        ("1", "XI-IATI-CDMXBCN-city-CDMX", "11"),
        ("1", "XI-ROR-03mb6wj31", "80"),  # UPC funds in cash too
        ("4", "XI-IATI-CDMXBCN-institution-EURECAT", "80"),
        ("4", "XI-ROR-01tmp8f25", "80"),
        ("4", "XI-ROR-03mb6wj31", "80"),
    ]
    assert activity.find("activity-status").get("code") == "2"
    dates = {d.get("type"): d.get("iso-date") for d in activity.iter("activity-date")}
    assert dates == {"1": "2026-03-01", "2": "2026-03-02", "3": "2027-12-31"}

    sectors = [
        (s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in activity.iter("sector")
    ]
    assert sectors == [
        ("99", "URBAN_WATER", "50.00"),
        ("99", "ECOS_RD", "50.00"),
        ("98", "STRATEGIC_SECTORS", "50.00"),
        ("98", "GENDER_TRAINING", "50.00"),
    ]
    assert all(s.get("vocabulary-uri") for s in activity.iter("sector"))

    budgets = [
        (
            b.get("type"),
            b.get("status"),
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.find("value").get("currency"),
            b.find("value").text,
        )
        for b in activity.iter("budget")
    ]
    assert budgets == [
        # 500,000 MXN + 30,000.50 EUR at 20 MXN to the euro, within the project's dates.
        ("1", "2", "2026-03-01", "2026-12-31", "MXN", "1100010.00"),
        ("1", "2", "2027-01-01", "2027-12-31", "MXN", "20000.00"),
    ]
    transactions = sorted(
        (
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.find("value").get("currency"),
            t.find("value").text,
            t.find("provider-org").get("ref"),
            t.find("receiver-org").get("ref"),
        )
        for t in activity.iter("transaction")
    )
    assert transactions == [
        ("2", "2026-01-01", "EUR", "30000.50", "XI-IATI-CDMXBCN-city-BCN", "XI-ROR-01tmp8f25"),
        ("2", "2026-01-01", "MXN", "500000.00", "XI-IATI-CDMXBCN-city-CDMX", "XI-ROR-01tmp8f25"),
        ("2", "2026-12-02", "EUR", "1000.00", "XI-ROR-03mb6wj31", "XI-ROR-01tmp8f25"),
    ]


def test_gender_marker_only_on_axis_3_projects(programme):
    activities = _activities(_write()[0])
    markers = {
        code: [
            (m.get("vocabulary"), m.get("code"), m.get("significance"))
            for m in a.iter("policy-marker")
        ]
        for code, a in activities.items()
    }
    assert markers == {
        programme.full.code: [("1", "1", "1")],  # one of its two axes: significant
        programme.gender.code: [("1", "1", "2")],  # its only axis: principal
        programme.leaderless.code: [],
        programme.untranslated.code: [],
    }


def test_iati_rules_beyond_the_schema_hold(programme):
    # IATI's rulesets: a start date, a default currency, sector percentages adding to 100
    # per vocabulary, no actual date or transaction in the future, budgets of at most a year.
    for activity in _write()[0].iter("iati-activity"):
        assert activity.get("default-currency")
        types = [d.get("type") for d in activity.iter("activity-date")]
        assert "1" in types or "2" in types
        for d in activity.iter("activity-date"):
            if d.get("type") in {"2", "4"}:
                assert datetime.date.fromisoformat(d.get("iso-date")) <= PUBLISHED_ON
        for t in activity.iter("transaction"):
            assert datetime.date.fromisoformat(t.find("transaction-date").get("iso-date")) <= (
                PUBLISHED_ON
            )
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for sector in activity.iter("sector"):
            totals[sector.get("vocabulary")] += Decimal(sector.get("percentage"))
        assert all(total == 100 for total in totals.values())
        for budget in activity.iter("budget"):
            start = datetime.date.fromisoformat(budget.find("period-start").get("iso-date"))
            end = datetime.date.fromisoformat(budget.find("period-end").get("iso-date"))
            assert start <= end < start.replace(year=start.year + 1)


def test_bad_records_are_completed_or_left_out_and_said_why(programme, schemas, tmp_path):
    path = tmp_path / "activities.xml"
    root, result = _write(path)
    activities = _activities(root)
    omissions = {(o.record, o.reason, o.completed) for o in result.omissions}

    # No lead: kept, its institutions implementing, its commitment without a receiver.
    leaderless = activities[programme.leaderless.code]
    assert sorted(o.get("role") for o in leaderless.iter("participating-org")) == ["1", "4", "4"]
    assert leaderless.find("transaction/receiver-org") is None
    assert leaderless.get("default-currency") == "MXN"
    assert (
        f"project {programme.leaderless.code}",
        "No lead institution: its institutions are published as implementing and its "
        "commitments have no receiving organisation.",
        True,
    ) in omissions
    # The USD commitment has no rate to the euro: its transaction stays, its year's budget goes.
    gender = activities[programme.gender.code]
    assert [b.find("period-start").get("iso-date") for b in gender.iter("budget")] == ["2026-09-01"]
    assert sorted(t.find("value").text for t in gender.iter("transaction")) == [
        "12000.00",
        "5000.00",
    ]
    assert (
        f"budget 2027 of project {programme.gender.code}",
        "No exchange rate from USD to EUR on or before 2027-01-01: the year's budget is left out.",
        False,
    ) in omissions
    assert (
        f"funding commitment {programme.legacy.pk} of project {programme.gender.code}",
        "Its amount is missing or not greater than zero.",
        False,
    ) in omissions
    # No Spanish title: the Catalan one, marked as Catalan.
    untranslated = activities[programme.untranslated.code]
    assert _narratives(untranslated.find("title")) == {"ca": "Ciència ciutadana als barris"}
    assert (
        f"project {programme.untranslated.code}",
        "No Spanish title: the title is given in another language.",
        True,
    ) in omissions
    assert validate_iati(path) == []


def test_queries_are_a_constant_number_per_chunk(programme, django_assert_num_queries):
    # The projects and their five prefetches (one chunk), then each exchange rate the
    # budgets need once: EUR to MXN on 1 March 2026 and 1 January 2027, USD to EUR in 2027.
    with django_assert_num_queries(6 + 3):
        _write()


def test_registered_ids_are_the_same_in_both_standards(programme, settings):
    import json

    from opendata.standards.giving360 import write_grants

    settings.OPEN_DATA_ORG_IDS = {
        "city:BCN": "ES-DIR3-L01080193",
        "institution:EURECAT": "ES-CIF-X",
    }
    activities = _activities(_write()[0])
    refs = {o.get("ref") for o in activities[programme.untranslated.code].iter("participating-org")}
    assert refs == {"ES-DIR3-L01080193", "ES-CIF-X", "XI-ROR-01tmp8f25"}

    out = io.BytesIO()
    write_grants(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    [grant] = [
        g for g in json.loads(out.getvalue())["grants"] if programme.untranslated.code in g["id"]
    ]
    assert grant["fundingOrganization"][0]["id"] == "ES-DIR3-L01080193"
    assert grant["recipientOrganization"][0]["id"] == "ES-CIF-X"


def test_no_project_gives_a_file_that_the_schema_refuses(db, schemas, tmp_path):
    # IATI asks for one activity at least: the release must not publish this one, and the
    # validation says so.
    path = tmp_path / "activities.xml"
    root, result = _write(path)

    assert len(root) == 0 and result.records == 0
    [error] = validate_iati(path)
    assert "Missing child element(s). Expected is ( iati-activity )." in error
