"""The portal's own error pages (400, 503) and the sign-in after an unlock link have no WCAG 2.1
A/AA violation, in every language, and say what happened in the visitor's language."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = ["es", "ca", "en"]


def _language(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bad_request_page_has_no_axe_violation(live_server, page, language):
    _language(page, live_server, language)
    response = page.goto(f"{live_server.url}/projects/%00/")
    assert response.status == 400
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unavailable_page_has_no_axe_violation(live_server, page, monkeypatch, language):
    _language(page, live_server, language)

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    # Every statement fails, as when PostgreSQL is unreachable; the page needs none.
    with monkeypatch.context() as patch:
        patch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
        patch.setattr("django.db.backends.utils.CursorWrapper.executemany", refuse)
        response = page.goto(f"{live_server.url}/projects/")
        assert response.status == 503
        assert response.headers["retry-after"] == "30"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_unlock_link_says_so_on_an_accessible_sign_in_page(live_server, page, language):
    _language(page, live_server, language)
    page.goto(f"{live_server.url}/accounts/unlock/not-a-token/")
    assert page.url.endswith("/accounts/login/")
    expected = {
        "es": "ha caducado",
        "ca": "ha caducat",
        "en": "has expired",
    }[language]
    assert expected in page.locator("body").inner_text()
    assert axe_violations(page) == []
