"""The public library of practices: search, filters, a practice's page and its documents."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from cooperation.models import Axis, StrategicArea
from knowledge import services
from knowledge.models import Practice
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, draft, published, transfer
from tests.knowledge.test_services import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def library(coordinator, official_bcn, official_cdmx, institution_cdmx):
    """Three BCN practices of different kinds, one draft, and a CDMX one."""
    citizen = published(
        actor=coordinator,
        reviewer=official_bcn,
        texts={
            "title_en": "Citizen science office",
            "summary_en": "A public office that opens research to citizens.",
        },
    )
    steam = published(
        actor=coordinator,
        reviewer=official_bcn,
        kind="methodology",
        licence="CC-BY-SA-4.0",
        audiences=["teachers"],
        primary_area=StrategicArea.objects.get(number=5),
        axes=[Axis.objects.get(number=3)],
        texts={"title_es": "Metodología STEAM", "title_en": "STEAM methodology"},
    )
    draft(actor=coordinator, texts={"title_es": "Borrador secreto"})
    cdmx_coordinator = coordinator_of(institution_cdmx, email="c.cdmx@example.org")
    inclusive = published(
        actor=cdmx_coordinator,
        reviewer=official_cdmx,
        kind="policy",
        audiences=["students_disabilities"],
        primary_area=StrategicArea.objects.get(number=6),
        texts={"title_es": "Educación inclusiva", "title_en": "Inclusive education"},
    )
    return {"citizen": citizen, "steam": steam, "inclusive": inclusive}


def _titles(response) -> set[str]:
    return {p.title_es for p in response.context["page"].object_list}


def test_the_public_sees_published_practices_only(english, library):
    response = english.get("/knowledge/")
    assert response.status_code == 200
    assert _titles(response) == {
        "Oficina de Ciencia Ciudadana",
        "Metodología STEAM",
        "Educación inclusiva",
    }
    assert "Borrador secreto" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=methodology", {"Metodología STEAM"}),
        ("city={bcn}", {"Oficina de Ciencia Ciudadana", "Metodología STEAM"}),
        ("area={area5}", {"Metodología STEAM"}),
        ("axis={axis3}", {"Metodología STEAM"}),
        ("audience=students_disabilities", {"Educación inclusiva"}),
        ("licence=CC-BY-SA-4.0", {"Metodología STEAM"}),
        ("q=citizens", {"Oficina de Ciencia Ciudadana"}),
        ("q=inclusive&kind=policy", {"Educación inclusiva"}),
    ],
)
def test_filters_and_search(english, library, bcn, query, expected):
    query = query.format(
        bcn=bcn.pk,
        area5=StrategicArea.objects.get(number=5).pk,
        axis3=Axis.objects.get(number=3).pk,
    )
    assert _titles(english.get(f"/knowledge/?{query}")) == expected


def test_search_reads_the_visitors_language(library):
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es")
    assert _titles(spanish.get("/knowledge/?q=educación")) == {"Educación inclusiva"}


def test_a_bad_filter_says_so_in_the_visitors_language(library):
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get("/knowledge/?kind=nonsense")
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_the_list_runs_a_constant_number_of_queries(
    english, coordinator, official_bcn, django_assert_num_queries, count
):
    for index in range(count):
        published(
            actor=coordinator,
            reviewer=official_bcn,
            axes=[Axis.objects.get(number=1)],
            texts={"title_es": f"Práctica {index}"},
        )
    # 1 count, 2 the page's rows with institution, city and area, 3 their axes, 4-6 the
    # filter form's cities, areas and axes. The same for 3 or 20 rows.
    with django_assert_num_queries(6):
        response = english.get("/knowledge/")
    assert len(response.context["page"].object_list) == min(count, 20)


def test_a_practice_page_shows_its_parts_and_public_transfers_only(
    english, library, official_cdmx, institution_cdmx, coordinator, django_assert_num_queries
):
    citizen = library["citizen"]
    shown = transfer(
        actor=official_cdmx,
        practice=citizen,
        institution=institution_cdmx,
        public=True,
        texts={"adaptations_en": "Adapted to the boroughs of Mexico City."},
    )
    hidden_institution = InstitutionFactory(party=official_cdmx.party, name="Institución oculta")
    transfer(actor=official_cdmx, practice=citizen, institution=hidden_institution)
    # 1 the practice with its institution, city and area, then one query each for its axes,
    # areas, partners, links, documents, public projects and public transfers.
    with django_assert_num_queries(8):
        response = english.get(f"/knowledge/{citizen.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Citizen science office" in content
    assert "Adapted to the boroughs of Mexico City." in content
    assert shown.origin_contact_email not in content  # contacts are never public
    assert "Institución oculta" not in content


def test_a_draft_is_not_found_by_the_public_but_read_by_its_coordinator(
    english, library, login, coordinator
):
    practice = Practice.objects.get(title_es="Borrador secreto")
    assert english.get(f"/knowledge/{practice.pk}/").status_code == 404
    response = login(coordinator).get(f"/knowledge/{practice.pk}/")
    assert response.status_code == 200
    assert "Not public" in response.content.decode()


def test_a_document_is_served_to_those_who_may_read_its_practice(
    english, coordinator, official_bcn
):
    practice = draft(actor=coordinator)
    attachment = services.practice_attachment_add(
        actor=coordinator,
        practice=practice,
        title="Guía",
        upload=io.BytesIO(pdf_bytes()),
        name="guia.pdf",
        licence="CC-BY-4.0",
    )
    url = f"/knowledge/documents/{attachment.pk}/"
    assert english.get(url).status_code == 404  # a draft's document
    services.practice_submit(actor=coordinator, practice=practice)
    services.practice_publish(actor=official_bcn, practice=practice)
    response = english.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert 'filename="guia.pdf"' in response["Content-Disposition"]
