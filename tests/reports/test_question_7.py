"""Question 7: the hosts that received the most researchers, per city and period, from a
hand-counted fixture, under disclosure control, with the drill-down to each host's stays."""

from __future__ import annotations

import datetime

import pytest

from cooperation.disclosure import audit
from exchanges.models import StayApplication
from reports.kinds.people import stays_publication
from tests.exchanges.factories import CallFactory
from tests.factories import InstitutionFactory, UserFactory
from tests.reports.test_dashboard import _cells
from tests.reports.test_questions import _links

pytestmark = pytest.mark.django_db
URL = "/admin/reports/dashboard/"


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture
def hosted(cdmx, bcn):
    """Hand-counted stays of 2026: Barcelona's hosts H1 7, H2 6, H3 5, H4 5, H5 3, H6 2, H7 1
    (29); Mexico City's H8 6, and one more of H8 in 2025 (outside the year)."""
    call = CallFactory()
    hosts = {}
    for name, party in [(f"H{n}", bcn) for n in range(1, 8)] + [("H8", cdmx)]:
        hosts[name] = InstitutionFactory(party=party, name=name, name_es=name, kind="university")
    made: dict[str, list[StayApplication]] = {}

    def stays(name: str, count: int, year: int = 2026) -> None:
        for _n in range(count):
            made.setdefault(name, []).append(
                StayApplication.objects.create(
                    call=call,
                    researcher=UserFactory(),
                    host=hosts[name],
                    status="completed",
                    start_date=datetime.date(year, 3, 1),
                    end_date=datetime.date(year, 5, 31),
                )
            )

    for name, count in [("H1", 7), ("H2", 6), ("H3", 5), ("H4", 5), ("H5", 3), ("H6", 2)]:
        stays(name, count)
    stays("H7", 1)
    stays("H8", 6)
    stays("H8", 1, year=2025)
    return hosts, made


def test_question_7_the_hosts_with_the_most_researchers_per_city(hosted, official_cdmx, login):
    client = login(official_cdmx, language="en")
    html = client.get(URL, {"year": 2026}).content.decode()
    # Five per city, the most first; H5's 3 is a count of people under five; H6 and H7 are
    # not listed. Barcelona's 29 stays are published beside it (stays each way).
    assert _cells(html, "hosts-table") == [
        ["H1", "BCN", "7"],
        ["H2", "BCN", "6"],
        ["H3", "BCN", "5"],
        ["H4", "BCN", "5"],
        ["H5", "BCN", "<5"],
        ["H8", "CDMX", "6"],
    ]
    assert _cells(html, "stays-table")[0] == ["Mexico City → Barcelona", "29", "29"]
    assert "The 5 host institutions of each city" in html
    # The city filter keeps that city's hosts.
    html = client.get(URL, {"year": 2026, "city": "CDMX"}).content.decode()
    assert _cells(html, "hosts-table") == [["H8", "CDMX", "6"]]
    # All time: H8's stay of 2025 counts too.
    assert ["H8", "CDMX", "7"] in _cells(client.get(URL).content.decode(), "hosts-table")
    for parameters in ({}, {"date_from": "2026-01-01", "date_to": "2026-12-31"}):
        assert audit(stays_publication(parameters, using="default").pub) == set()


def test_question_7_each_host_opens_its_stays_of_the_period(hosted, official_cdmx, login):
    _hosts, made = hosted
    client = login(official_cdmx, language="en")
    links = _links(client.get(URL, {"year": 2026}).content.decode(), "hosts-table")

    def listed(href: str) -> set[int]:
        response = client.get(href)
        assert response.status_code == 200, href
        return {a.pk for a in response.context["cl"].result_list}

    assert listed(links["H1"]) == {a.pk for a in made["H1"]}
    assert listed(links["H8"]) == {a.pk for a in made["H8"][:6]}  # not its stay of 2025
    bad = client.get("/admin/reports/periodstay/?host=abc")
    assert bad.status_code == 302 and "e=1" in bad["Location"]
