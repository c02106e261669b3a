"""The home page has no WCAG 2.1 A/AA violation and works with the keyboard, in every language."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_home_has_no_axe_violation(live_server, page, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == language
    # The cities, the areas, the axes, and the way to the researcher stays.
    assert page.locator("main h2").count() == 4
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
    # Spanish, Catalan, English: two steps down reach English on a closed select.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#language-select", "el => el.value") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Cambiar"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Strategic areas").is_visible()


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_have_no_axe_violation(live_server, page, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("main form").count() >= 1
    assert axe_violations(page) == []


def test_official_signs_in_with_the_keyboard_and_the_second_factor(live_server, page, official_bcn):
    page.goto(f"{live_server.url}/accounts/login/")
    page.focus("#id_login")
    page.keyboard.type(official_bcn.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/2fa/authenticate/" in page.url
    assert axe_violations(page) == []
    page.focus("input[name=code]")
    page.keyboard.type(totp_code(official_bcn))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{live_server.url}/admin/")
    assert page.url.endswith("/admin/")
    assert page.locator("#site-name").count() == 1
