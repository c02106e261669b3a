"""The officials' admin of practices and transfers writes through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.models import Practice, PracticeAttachment, Transfer
from tests.knowledge.factories import draft, published, transfer
from tests.knowledge.test_services import pdf_bytes

pytestmark = pytest.mark.django_db


def _change_body(client, url: str, **changes):
    """The change page's form as a browser sends it back, with ``changes``."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for bound in form:
        value = bound.value()
        if bound.field.disabled or value is None:
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
    data.update(changes)
    return data


def test_an_official_attaches_a_pdf_through_the_page(login, official_bcn, institution_bcn):
    practice = draft(actor=official_bcn, institution=institution_bcn)
    client = login(official_bcn)
    url = f"/admin/knowledge/practice/{practice.pk}/change/"
    data = _change_body(
        client,
        url,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "Guía",
            "attachments-0-licence": "CC-BY-4.0",
            "attachments-0-file": SimpleUploadedFile("guia.pdf", pdf_bytes()),
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert PracticeAttachment.objects.get().original_name == "guia.pdf"


def test_a_disguised_pdf_is_refused_on_the_page_and_nothing_saved(
    login, official_bcn, institution_bcn
):
    practice = draft(actor=official_bcn, institution=institution_bcn)
    client = login(official_bcn)
    url = f"/admin/knowledge/practice/{practice.pk}/change/"
    data = _change_body(
        client,
        url,
        title_es="Cambiado a la vez",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "Guía",
            "attachments-0-licence": "CC-BY-4.0",
            "attachments-0-file": SimpleUploadedFile("guia.pdf", b"MZ not a pdf at all"),
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This file is not a PDF document" in response.content.decode()
    assert not PracticeAttachment.objects.exists()
    # The whole page is rolled back: the title changed with it is not saved either.
    assert Practice.objects.get().title_es == "Oficina de Ciencia Ciudadana"


def test_an_official_correcting_a_published_practice_sends_it_back_to_review(
    login, official_bcn, coordinator
):
    practice = published(actor=coordinator, reviewer=official_bcn)
    client = login(official_bcn)
    url = f"/admin/knowledge/practice/{practice.pk}/change/"
    response = client.post(url, _change_body(client, url, title_es="Corregida"))
    assert response.status_code == 302
    stored = Practice.objects.get()
    assert (stored.title_es, stored.status) == ("Corregida", "in_review")


def test_discontinuing_in_the_admin_without_lessons_is_refused_with_the_reason(
    login, official_bcn, official_cdmx, coordinator, institution_cdmx
):
    practice = published(actor=coordinator, reviewer=official_bcn)
    made = transfer(actor=official_cdmx, practice=practice, institution=institution_cdmx)
    client = login(official_cdmx)
    response = client.post(
        "/admin/knowledge/transfer/",
        {"action": "move_to_discontinued", "_selected_action": [made.pk], "index": 0},
        follow=True,
    )
    assert "Say what was learned" in response.content.decode()
    assert Transfer.objects.get().stage == "interest"
    made.lessons_es = "Sin personal formado."
    services.transfer_update(actor=official_cdmx, transfer=made)
    client.post(
        "/admin/knowledge/transfer/",
        {"action": "move_to_discontinued", "_selected_action": [made.pk], "index": 0},
    )
    assert Transfer.objects.get().stage == "discontinued"
