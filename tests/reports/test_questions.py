"""The officials' questions answered on the dashboard, each from a hand-counted fixture, with
its drill-down to the admin list of exactly the records behind the figure."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest

from cooperation.models import Axis, StrategicArea
from exchanges.models import StayApplication
from projects.models import ExchangeRate, Measurement
from tests.exchanges.factories import CallFactory, add_host
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db
URL = "/admin/reports/dashboard/"


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _links(html: str, table_id: str) -> dict[str, str]:
    """Map each row's label to the address its link opens."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return {
        unescape(label).strip(): unescape(href)
        for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', table)
    }


@pytest.fixture
def portfolio(cdmx, bcn):
    """Area 1: 2 projects led from CDMX (one ended in 2025), area 2: 1 led from BCN; the
    other areas none. Axis 1: all three; axis 2: the BCN one; the other axes none."""
    areas = list(StrategicArea.objects.order_by("number"))
    axes = list(Axis.objects.order_by("number"))
    u, c = InstitutionFactory(party=cdmx), InstitutionFactory(party=bcn)
    old = ProjectFactory(
        institutions=[u, c],
        primary_area=areas[0],
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 6, 30),
    )
    new = ProjectFactory(institutions=[u, c], primary_area=areas[0])
    bcn_led = ProjectFactory(institutions=[c, u], primary_area=areas[1])
    for project in (old, new, bcn_led):
        project.axes.add(axes[0])
    bcn_led.axes.add(axes[1])
    return {"areas": areas, "axes": axes, "old": old, "new": new, "bcn_led": bcn_led}


def _listed(client, href: str) -> set[int]:
    response = client.get(href)
    assert response.status_code == 200, href
    return {project.pk for project in response.context["cl"].result_list}


def test_question_1_projects_per_area_and_axis_drill_down_and_the_ones_with_none(
    portfolio, official_cdmx, login
):
    client = login(official_cdmx, language="en")
    html = client.get(URL, {"year": "2026", "city": "CDMX"}).content.decode()
    areas, axes = portfolio["areas"], portfolio["axes"]
    area_links, axis_links = (
        _links(html, "projects-area-table"),
        _links(html, "projects-axis-table"),
    )
    # In 2026, led from Mexico City: only the new project (area 1, axis 1).
    assert _listed(client, area_links[str(areas[0].name)]) == {portfolio["new"].pk}
    assert _listed(client, axis_links[str(axes[0].name)]) == {portfolio["new"].pk}
    assert _listed(client, area_links[str(areas[1].name)]) == set()
    assert "Strategic areas with no project: " + "; ".join(str(a.name) for a in areas[1:]) in (
        unescape(html)
    )
    assert "Axes with no project: " + "; ".join(str(a.name) for a in axes[1:]) in unescape(html)
    # All time, both cities: each figure's list has as many projects as the figure says.
    html = client.get(URL).content.decode()
    area_links, axis_links = (
        _links(html, "projects-area-table"),
        _links(html, "projects-axis-table"),
    )
    assert _listed(client, area_links[str(areas[0].name)]) == {
        portfolio["old"].pk,
        portfolio["new"].pk,
    }
    assert _listed(client, axis_links[str(axes[1].name)]) == {portfolio["bcn_led"].pk}
    assert len(_listed(client, axis_links[str(axes[0].name)])) == 3


def test_question_9_ecos_institutions_taking_part_in_nothing(cdmx, bcn, official_bcn, login):
    in_project = InstitutionFactory(party=cdmx, ecos_member=True, name="En proyecto")
    hosting = InstitutionFactory(party=bcn, ecos_member=True, name="Anfitriona")
    idle_cdmx = InstitutionFactory(party=cdmx, ecos_member=True, name="Inactiva CDMX")
    idle_bcn = InstitutionFactory(party=bcn, ecos_member=True, name="Inactiva BCN")
    InstitutionFactory(party=cdmx, ecos_member=True, active=False, name="Dada de baja")
    InstitutionFactory(party=cdmx, ecos_member=False, name="Fuera de ECOS")
    ProjectFactory(institutions=[in_project, InstitutionFactory(party=bcn)])
    add_host(CallFactory(), hosting, places=1)
    client = login(official_bcn, language="en")
    html = unescape(client.get(URL).content.decode())
    assert "2 active ECOS Network institutions take part in no project" in html
    links = _links(html, "ecos-unengaged-table")
    assert set(links) == {"Inactiva CDMX", "Inactiva BCN"}
    assert links["Inactiva BCN"] == f"/admin/cooperation/institution/{idle_bcn.pk}/change/"
    # The drill-down lists them all, and follows the city.
    listing = client.get("/admin/reports/unengagedecosinstitution/")
    assert {i.pk for i in listing.context["cl"].result_list} == {idle_cdmx.pk, idle_bcn.pk}
    html = unescape(client.get(URL, {"city": "CDMX"}).content.decode())
    assert set(_links(html, "ecos-unengaged-table")) == {"Inactiva CDMX"}
    href = re.search(r'href="([^"]*unengagedecosinstitution/\?[^"]*)"', html).group(1)
    assert {i.pk for i in client.get(href).context["cl"].result_list} == {idle_cdmx.pk}


def test_question_9_list_is_for_officials_only(coordinator, login):
    assert login(coordinator).get("/admin/reports/unengagedecosinstitution/").status_code != 200


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_question_2_funding_per_city_and_year_in_mxn_and_eur_with_the_rate_date(
    cdmx, bcn, official_cdmx, login
):
    # The programme's rate as kept: 1 EUR = 22 MXN.
    ExchangeRate.objects.create(date="2026-01-01", base="EUR", quote="MXN", rate=Decimal("22"))
    project = ProjectFactory(
        institutions=[InstitutionFactory(party=cdmx), InstitutionFactory(party=bcn)]
    )
    FundingFactory(project=project, funder_party=cdmx, amount=Decimal("220000"), currency="MXN")
    FundingFactory(
        project=project, funder_party=bcn, amount=Decimal("10000"), currency="EUR", year=2027
    )
    html = login(official_cdmx, language="en").get(URL).content.decode()
    table = html.split('id="funding-table"', 1)[1].split("</table>", 1)[0]
    assert table.index("Total in MXN") < table.index("Total in EUR")  # side by side
    assert _cells(html, "funding-table") == [
        ["BCN 2027", "0.00", "10,000.00", "0.00", "220,000.00", "10,000.00"],
        ["CDMX 2026", "220,000.00", "0.00", "0.00", "220,000.00", "10,000.00"],
    ]
    assert "1 EUR = 22 MXN" in unescape(html)
    assert "2026-01-01" in unescape(html)


def test_question_10_indicator_progress_per_area_and_axis(cdmx, bcn, official_cdmx, login):
    areas = list(StrategicArea.objects.order_by("number"))
    axes = list(Axis.objects.order_by("number"))
    team = [InstitutionFactory(party=cdmx), InstitutionFactory(party=bcn)]
    first = ProjectFactory(institutions=team, primary_area=areas[0])
    first.axes.add(axes[0], axes[1])
    second = ProjectFactory(institutions=team, primary_area=areas[1])
    second.axes.add(axes[0])
    half = IndicatorFactory(project=first, baseline=Decimal(0), target=Decimal(10))
    Measurement.objects.create(indicator=half, date="2026-06-01", value=Decimal(5))
    reached = IndicatorFactory(project=second, baseline=Decimal(0), target=Decimal(4))
    Measurement.objects.create(indicator=reached, date="2026-06-01", value=Decimal(4))
    IndicatorFactory(project=second)  # not measured yet
    client = login(official_cdmx, language="en")
    html = client.get(URL).content.decode()
    assert _cells(html, "indicator-progress-table") == [
        [f"Area: {areas[0].name}", "1", "1", "50.0 %", "0"],
        [f"Area: {areas[1].name}", "2", "1", "100.0 %", "1"],
        [f"Axis: {axes[0].name}", "3", "2", "75.0 %", "1"],
        [f"Axis: {axes[1].name}", "1", "1", "50.0 %", "0"],
    ]
    links = _links(html, "indicator-progress-table")
    assert _listed(client, links[f"Axis: {axes[0].name}"]) == {first.pk, second.pk}


def test_question_4_stays_each_way_drill_down_to_the_stays_of_the_period(
    cdmx, bcn, official_cdmx, login
):
    host_bcn, host_cdmx = InstitutionFactory(party=bcn), InstitutionFactory(party=cdmx)
    call = CallFactory()

    def stay(host, year: int) -> StayApplication:
        return StayApplication.objects.create(
            call=call,
            researcher=UserFactory(),
            host=host,
            status="completed",
            start_date=datetime.date(year, 3, 1),
            end_date=datetime.date(year, 5, 31),
        )

    old_bcn, new_bcn, new_cdmx = stay(host_bcn, 2025), stay(host_bcn, 2026), stay(host_cdmx, 2026)
    client = login(official_cdmx, language="en")
    html = client.get(URL, {"year": "2026"}).content.decode()
    links = _links(html, "stays-table")
    to_bcn = links["Mexico City → Barcelona"]
    assert "date_from=2026-01-01" in to_bcn and "date_to=2026-12-31" in to_bcn
    listed = {a.pk for a in client.get(to_bcn).context["cl"].result_list}
    assert new_bcn.pk in listed and old_bcn.pk not in listed and new_cdmx.pk not in listed
    to_cdmx = links["Barcelona → Mexico City"]
    assert {a.pk for a in client.get(to_cdmx).context["cl"].result_list} == {new_cdmx.pk}
    # All time: every stay each way; a malformed period is refused, not half applied.
    links = _links(client.get(URL).content.decode(), "stays-table")
    assert {old_bcn.pk, new_bcn.pk} <= {
        a.pk for a in client.get(links["Mexico City → Barcelona"]).context["cl"].result_list
    }
    bad = client.get("/admin/reports/periodstay/?date_from=2026-13-45")
    assert bad.status_code == 302 and "e=1" in bad["Location"]
    for query in ("host_city=XYZ", "date_to=yesterday", "host=-3"):
        refused = client.get(f"/admin/reports/periodstay/?{query}")
        assert refused.status_code == 302 and "e=1" in refused["Location"], query
