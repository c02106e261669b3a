"""The dashboard's knowledge panels: practices per area and city, transfers each way by stage."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cooperation.models import StrategicArea
from knowledge import services
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, draft, published, transfer
from tests.reports.test_dashboard import URL, _cells

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def exchange(cdmx, bcn, official_bcn, official_cdmx):
    """BCN: 2 practices in area 2, 1 in area 5 (published), a draft, one back in review;
    CDMX: 1 in area 5. Transfers BCN → CDMX: pilot, adopted (2026-06-30), discontinued;
    CDMX → BCN: interest (started 2027-01-10, after the period of 2026)."""
    area2, area5 = (StrategicArea.objects.get(number=n) for n in (2, 5))
    upc, ub = (InstitutionFactory(code=c, party=bcn) for c in ("K-UPC", "K-UB"))
    unam, ipn, uam = (InstitutionFactory(code=c, party=cdmx) for c in ("K-UNAM", "K-IPN", "K-UAM"))
    bcn_coordinator = coordinator_of(upc, email="k.upc@example.org")
    cdmx_coordinator = coordinator_of(unam, email="k.unam@example.org")

    def bcn_practice(area, title):
        return published(
            actor=bcn_coordinator,
            reviewer=official_bcn,
            primary_area=area,
            texts={"title_es": title},
        )

    office, lab = bcn_practice(area2, "Oficina"), bcn_practice(area2, "Laboratorio")
    steam = bcn_practice(area5, "STEAM")
    draft(actor=bcn_coordinator, texts={"title_es": "Borrador"})
    back = bcn_practice(area5, "Revisión")
    back.title_es = "Revisión cambiada"
    services.practice_update(actor=bcn_coordinator, practice=back)  # back to review
    cdmx_practice = published(
        actor=cdmx_coordinator, reviewer=official_cdmx, primary_area=area5,
        texts={"title_es": "Aulas inclusivas"},
    )  # fmt: skip

    def take_up(practice, institution, stages, *, started, on=None, lessons=None):
        made = transfer(
            actor=official_cdmx if institution.party == cdmx else official_bcn,
            practice=practice,
            institution=institution,
            started_on=started,
        )
        for stage in stages:
            services.transfer_move(
                actor=official_cdmx if institution.party == cdmx else official_bcn,
                transfer=made,
                to_stage=stage,
                on=on,
                lessons=lessons if stage == "discontinued" else None,
            )
        return made

    take_up(office, unam, ["planning", "pilot"], started=datetime.date(2026, 2, 1))
    take_up(office, ipn, ["planning", "pilot", "adopted"], started=datetime.date(2025, 9, 1),
            on=datetime.date(2026, 6, 30))  # fmt: skip
    take_up(lab, uam, ["discontinued"], started=datetime.date(2026, 3, 1),
            on=datetime.date(2026, 5, 1), lessons={"lessons_es": "Sin presupuesto."})  # fmt: skip
    take_up(cdmx_practice, ub, [], started=datetime.date(2027, 1, 10))
    return {"area2": area2, "area5": area5, "steam": steam}


def _area_rows(html: str, **named: StrategicArea) -> dict[str, list[str]]:
    rows = {row[0]: row[1:] for row in _cells(html, "practices-table")}
    return {key: rows[str(area.name_en)] for key, area in named.items()}


def test_practices_per_area_and_city_count_only_the_library(exchange, official_bcn, login):
    html = login(official_bcn, language="en").get(URL).content.decode()
    assert "Practices by strategic area and city of origin" in html
    header = html.split('id="practices-table"', 1)[1].split("</thead>", 1)[0]
    assert header.index("Barcelona") < header.index("Mexico City") < header.index("Total")
    # Columns: Barcelona, Mexico City, total. The draft and the one back in review are out.
    assert _area_rows(html, a2=exchange["area2"], a5=exchange["area5"]) == {
        "a2": ["2", "0", "2"],
        "a5": ["1", "1", "2"],
    }
    assert _cells(html, "practices-table")[-1] == ["All areas", "3", "1", "4"]


def test_transfers_each_way_by_stage_all_time(exchange, official_cdmx, login):
    html = login(official_cdmx, language="en").get(URL).content.decode()
    # Interest, planning, pilot, adopted, discontinued, total.
    assert _cells(html, "transfers-table") == [
        ["Barcelona → Mexico City", "0", "0", "1", "1", "1", "3"],
        ["Mexico City → Barcelona", "1", "0", "0", "0", "0", "1"],
    ]
    assert "Models adopted in the period: 1." in html


def test_the_period_and_the_city_choose_the_transfers_and_name_themselves(
    exchange, official_cdmx, login
):
    client = login(official_cdmx, language="en")
    html = client.get(URL, {"year": "2026"}).content.decode()
    # The CDMX → BCN transfer starts in 2027: outside 2026.
    assert _cells(html, "transfers-table") == [
        ["Barcelona → Mexico City", "0", "0", "1", "1", "1", "3"],
    ]
    period = html.split('id="transfers-period"', 1)[1].split("</p>", 1)[0]
    assert period.count("2026") == 2 and "Period:" in period
    # From July 2026: the adoption (June) and the discontinuation (May) ended before.
    html = client.get(URL, {"date_from": "2026-07-01"}).content.decode()
    assert _cells(html, "transfers-table") == [
        ["Barcelona → Mexico City", "0", "0", "1", "0", "0", "1"],
        ["Mexico City → Barcelona", "1", "0", "0", "0", "0", "1"],
    ]
    assert "Models adopted in the period: 0." in html
    # The city chooses the adopting city (transfers) and the city of origin (practices).
    html = client.get(URL, {"city": "BCN"}).content.decode()
    assert _cells(html, "transfers-table") == [
        ["Mexico City → Barcelona", "1", "0", "0", "0", "0", "1"],
    ]
    assert _cells(html, "practices-table")[-1] == ["All areas", "3", "3"]


def test_practices_count_in_the_period_of_their_first_publication(exchange, official_bcn, login):
    client = login(official_bcn, language="en")
    this_year = timezone.localdate().year
    html = client.get(URL, {"year": str(this_year - 1)}).content.decode()
    assert _cells(html, "practices-table")[-1] == ["All areas", "0", "0", "0"]
    html = client.get(URL, {"year": str(this_year)}).content.decode()
    assert _cells(html, "practices-table")[-1] == ["All areas", "3", "1", "4"]


def test_the_panels_keep_a_constant_number_of_queries_as_the_exchange_grows(
    exchange, official_cdmx, official_bcn, login, django_assert_num_queries, cdmx
):
    client = login(official_cdmx)
    client.get(URL)
    # As tests/reports/test_dashboard.py pins it: the knowledge panels are one statement.
    with django_assert_num_queries(35):
        assert client.get(URL).status_code == 200
    for index in range(4):
        adopter = InstitutionFactory(party=cdmx)
        transfer(actor=official_cdmx, practice=exchange["steam"], institution=adopter)
        published(
            actor=coordinator_of(
                InstitutionFactory(party=official_bcn.party), email=f"m{index}@x.org"
            ),
            reviewer=official_bcn,
            texts={"title_es": f"Más {index}"},
        )
    with django_assert_num_queries(35):
        response = client.get(URL)
    assert _cells(response.content.decode(), "transfers-table")[0][-1] == "7"
