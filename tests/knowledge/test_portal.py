"""The coordinators' pages: propose a practice, keep it, send it for review."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cooperation.models import StrategicArea
from knowledge.models import Practice, PracticeAttachment, PracticeLink
from tests.knowledge.factories import coordinator_of, draft, published
from tests.knowledge.test_services import pdf_bytes

pytestmark = pytest.mark.django_db


def _practice_data(**changes):
    return {
        "kind": "methodology",
        "licence": "CC-BY-4.0",
        "primary_area": StrategicArea.objects.get(number=5).pk,
        "audiences": ["teachers", "students_disabilities"],
        "title_es": "Aulas inclusivas",
        "title_ca": "Aules inclusives",
        "problem_es": "Alumnado con discapacidad fuera del aula STEAM.",
        **changes,
    }


def test_a_coordinator_proposes_a_draft_and_sends_it_for_review(login, coordinator):
    client = login(coordinator)
    response = client.post("/knowledge/propose/", _practice_data())
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/{practice.pk}/edit/"
    assert (practice.status, practice.institution_id) == ("draft", coordinator.institution_id)
    assert practice.audiences == ["teachers", "students_disabilities"]

    client.post(f"/knowledge/{practice.pk}/edit/", {"action": "submit"})
    assert Practice.objects.get().status == "in_review"
    page = client.get("/knowledge/mine/")
    assert "Aulas inclusivas" in page.content.decode()


def test_a_proposal_without_a_spanish_title_is_refused_in_the_users_language(login, coordinator):
    response = login(coordinator, language="ca").post(
        "/knowledge/propose/", _practice_data(title_es="")
    )
    assert response.status_code == 200
    assert "Aquest camp és obligatori." in response.content.decode()
    assert not Practice.objects.exists()


def test_people_who_are_not_coordinators_may_not_propose(login, researcher, official_bcn):
    for person in (researcher, official_bcn):
        assert login(person).get("/knowledge/propose/").status_code == 403
    assert not Practice.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/knowledge/mine/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_institutions_practice_is_not_found_and_unchanged(
    login, coordinator, institution_cdmx
):
    practice = draft(actor=coordinator)
    other = login(coordinator_of(institution_cdmx, email="otro@example.org"))
    url = f"/knowledge/{practice.pk}/edit/"
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "save", **_practice_data()}).status_code == 404
    assert other.post(url, {"action": "submit"}).status_code == 404
    assert Practice.objects.get().status == "draft"
    assert Practice.objects.get().title_es == "Oficina de Ciencia Ciudadana"


def test_editing_a_published_practice_sends_it_back_to_review_and_says_so(
    login, coordinator, official_bcn
):
    practice = published(actor=coordinator, reviewer=official_bcn)
    client = login(coordinator)
    response = client.post(
        f"/knowledge/{practice.pk}/edit/",
        {"action": "save", **_practice_data(title_es="Oficina renovada")},
        follow=True,
    )
    assert "goes back to review" in response.content.decode()
    stored = Practice.objects.get()
    assert (stored.title_es, stored.status) == ("Oficina renovada", "in_review")


def test_links_and_documents_are_added_and_removed(login, coordinator):
    practice = draft(actor=coordinator)
    client = login(coordinator)
    url = f"/knowledge/{practice.pk}/edit/"
    client.post(
        url,
        {
            "action": "link",
            "link-title": "Guía",
            "link-url": "https://example.org/guia",
            "link-licence": "CC0-1.0",
        },
    )
    client.post(
        url,
        {
            "action": "document",
            "document-title": "Evaluación",
            "document-licence": "CC-BY-4.0",
            "document-file": SimpleUploadedFile("evaluacion.pdf", pdf_bytes()),
        },
    )
    link, attachment = PracticeLink.objects.get(), PracticeAttachment.objects.get()
    client.post(url, {"action": "link_remove", "link_id": link.pk})
    client.post(url, {"action": "document_remove", "document_id": attachment.pk})
    assert not PracticeLink.objects.exists()
    assert not PracticeAttachment.objects.exists()


def test_a_disguised_document_is_refused_on_the_page_in_the_users_language(login, coordinator):
    practice = draft(actor=coordinator)
    response = login(coordinator, language="es").post(
        f"/knowledge/{practice.pk}/edit/",
        {
            "action": "document",
            "document-title": "Informe",
            "document-licence": "CC-BY-4.0",
            "document-file": SimpleUploadedFile("informe.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200
    assert "no es un documento PDF" in response.content.decode()
    assert not PracticeAttachment.objects.exists()


def test_another_practices_link_cannot_be_removed_through_mine(login, coordinator, official_bcn):
    from knowledge import services

    mine = draft(actor=coordinator)
    other = draft(actor=official_bcn, institution=coordinator.institution)
    link = services.practice_link_add(
        actor=coordinator,
        practice=other,
        title="Ajena",
        url="https://example.org",
        licence="CC0-1.0",
    )
    response = login(coordinator).post(
        f"/knowledge/{mine.pk}/edit/", {"action": "link_remove", "link_id": link.pk}
    )
    assert response.status_code == 404
    assert PracticeLink.objects.filter(pk=link.pk).exists()
