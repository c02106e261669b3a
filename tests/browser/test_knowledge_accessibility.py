"""The library of practices and a practice's page have no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import io

import pytest

from cooperation.models import Axis, Party
from knowledge import services
from tests.browser.conftest import axe_violations
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, published, transfer
from tests.knowledge.test_services import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def practice(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    from cooperation.roles import Role
    from tests.factories import UserFactory

    bcn = InstitutionFactory(code="AXE-BCN", party=Party.objects.get(code="BCN"))
    cdmx = InstitutionFactory(code="AXE-CDMX", party=Party.objects.get(code="CDMX"))
    coordinator = coordinator_of(bcn, email="axe.coord@example.org")
    official = UserFactory(
        email="axe.official@example.org", party=bcn.party, roles=[Role.OFFICIAL_BCN]
    )
    official_cdmx = UserFactory(
        email="axe.cdmx@example.org", party=cdmx.party, roles=[Role.OFFICIAL_CDMX]
    )
    practice = published(
        actor=coordinator,
        reviewer=official,
        axes=[Axis.objects.first()],
        texts={
            "title_ca": "Oficina de Ciència Ciutadana",
            "title_en": "Citizen Science Office",
            "approach_es": "Convocatorias abiertas y laboratorios de barrio.",
            "results_es": "Treinta proyectos ciudadanos.",
            "evidence_es": "Memoria anual 2025.",
        },
    )
    services.practice_link_add(
        actor=coordinator,
        practice=practice,
        title="Web de la oficina",
        url="https://example.org/oficina",
        licence="CC-BY-4.0",
    )
    services.practice_attachment_add(
        actor=coordinator,
        practice=practice,
        title="Guía",
        upload=io.BytesIO(pdf_bytes()),
        name="guia.pdf",
        licence="CC-BY-4.0",
    )
    # The link and the document sent it back to review: published again.
    practice = services.practice_publish(actor=official, practice=practice)
    transfer(actor=official_cdmx, practice=practice, institution=cdmx, public=True)
    for index in range(21):  # a second page of results
        published(actor=coordinator, reviewer=official, texts={"title_es": f"Práctica {index}"})
    return practice


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_library_and_practice_page_have_no_axe_violation(live_server, page, practice, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/knowledge/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".practice-list > li").count() == 20
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/knowledge/{practice.pk}/")
    assert page.locator("table.data tbody tr").count() == 1
    assert axe_violations(page) == []


def test_library_can_be_searched_with_the_keyboard_alone(live_server, page, practice):
    page.goto(f"{live_server.url}/knowledge/")
    page.focus("#id_q")
    page.keyboard.type("laboratorios")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=laboratorios" in page.url
    assert page.locator(".practice-list > li").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_coordinator_pages_have_no_axe_violation(live_server, page, practice, language):
    from django.conf import settings
    from django.test import Client

    from cooperation.models import User

    coordinator = User.objects.get(email="axe.coord@example.org")
    client = Client()
    client.force_login(coordinator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )
    for path in (f"/knowledge/{practice.pk}/edit/", "/knowledge/propose/", "/knowledge/mine/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
    # A proposal without its Spanish title: the error is shown next to its field.
    page.goto(f"{live_server.url}/knowledge/propose/")
    page.fill("#id_title_ca", "Prova")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    # Next to its field (the portal's form renderer) and in the summary, linked to the field.
    assert page.locator("#id_title_es_error.field-error").count() == 1
    assert page.locator('.error-summary a[href="#id_title_es"]').count() == 1
    assert axe_violations(page) == []
