"""The coordinators' transfer pages have no WCAG 2.1 A/AA violation and work with the keyboard."""

from __future__ import annotations

import pytest

from cooperation.models import Party
from knowledge import services
from tests.browser.conftest import axe_violations
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, published, transfer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def taken_up(settings, tmp_path):
    """A BCN practice taken up by a CDMX institution at the planning stage, and a second one."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    from cooperation.roles import Role
    from tests.factories import UserFactory

    bcn = InstitutionFactory(code="AXT-BCN", party=Party.objects.get(code="BCN"))
    cdmx = InstitutionFactory(code="AXT-CDMX", party=Party.objects.get(code="CDMX"))
    offering = coordinator_of(bcn, email="axt.bcn@example.org")
    official = UserFactory(email="axt.off@example.org", party=bcn.party, roles=[Role.OFFICIAL_BCN])
    adopter = coordinator_of(cdmx, email="axt.cdmx@example.org")
    practice = published(actor=offering, reviewer=official)
    published(actor=offering, reviewer=official, texts={"title_es": "Laboratorio STEAM"})
    made = transfer(actor=adopter, practice=practice, institution=cdmx)
    services.transfer_move(actor=adopter, transfer=made, to_stage="planning", note="Acordado.")
    return adopter, made


def _sign_in(page, live_server, user, language):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
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


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_transfer_pages_have_no_axe_violation(live_server, page, taken_up, language):
    adopter, made = taken_up
    _sign_in(page, live_server, adopter, language)
    for path in (
        "/knowledge/transfers/",
        "/knowledge/transfers/new/",
        f"/knowledge/transfers/{made.pk}/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
    # Discontinuing without the lessons: the error by its field and in the summary.
    page.goto(f"{live_server.url}/knowledge/transfers/{made.pk}/")
    page.select_option("#id_move-to_stage", "discontinued")
    with page.expect_navigation():
        page.click("section[aria-labelledby=stage-title] button[type=submit]")
    assert page.locator("#id_move-lessons_es_error.field-error").count() == 1
    assert page.locator('.error-summary a[href="#id_move-lessons_es"]').count() == 1
    assert axe_violations(page) == []


def test_a_stage_is_moved_with_the_keyboard_alone(live_server, page, taken_up):
    adopter, made = taken_up
    _sign_in(page, live_server, adopter, "en")
    page.goto(f"{live_server.url}/knowledge/transfers/{made.pk}/")
    # From planning the form offers pilot first: type a note, then submit with Enter.
    page.focus("#id_move-note")
    page.keyboard.type("Pilot in two boroughs")
    page.focus("section[aria-labelledby=stage-title] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    made.refresh_from_db()
    assert made.stage == "pilot"
    assert "Pilot in two boroughs" in page.content()
