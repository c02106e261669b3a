"""Events' pages have no WCAG 2.1 A/AA violation in three languages, and a person signs up
with the keyboard alone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from cooperation.models import Party
from knowledge.models import Registration
from tests.browser.conftest import axe_violations
from tests.factories import InstitutionFactory, UserFactory
from tests.knowledge.factories import coordinator_of, event

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def seminar():
    bcn = InstitutionFactory(code="AXE-EV", party=Party.objects.get(code="BCN"))
    organiser = coordinator_of(bcn, email="axe.events@example.org")
    for index in range(3):
        event(actor=organiser, texts={"title_es": f"Taller {index}"})
    return event(actor=organiser, places=1)


def _sign_in(page, live_server, user, language: str) -> None:
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
def test_event_pages_have_no_axe_violation_and_work_with_the_keyboard(
    live_server, page, seminar, language
):
    person = UserFactory(email=f"axe.{language}@example.org", language=language)
    _sign_in(page, live_server, person, language)
    page.goto(f"{live_server.url}/knowledge/events/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".event-list > li").count() == 4
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/knowledge/events/{seminar.pk}/")
    assert axe_violations(page) == []
    # The keyboard alone: to the sign-up button, then Enter.
    button = page.locator("form[action$='/register/'] button[type=submit]")
    for _ in range(60):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    assert button.evaluate("b => b === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Registration.objects.filter(person=person).count() == 1
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/knowledge/events/mine/")
    assert axe_violations(page) == []
