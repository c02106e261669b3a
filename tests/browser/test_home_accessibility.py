"""The home page has no WCAG 2.1 A/AA violation and works with the keyboard, in every language."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_home_has_no_axe_violation(live_server, page, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h2").count() == 3
    assert axe_violations(page) == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(live_server, page):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_can_be_changed_with_the_keyboard_alone(live_server, page):
    page.goto(f"{live_server.url}/")
    page.focus("#language-select")
    page.keyboard.press("End")  # the last language: English
    page.keyboard.press("Tab")
    # Wait for the navigation that Enter starts (wait_for_load_state alone raced it).
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Strategic areas").is_visible()


def test_sign_in_page_has_no_axe_violation(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []
