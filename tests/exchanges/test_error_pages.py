"""The portal's own error pages (403, 404, 500, CSRF), in the person's language, DEBUG off."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return " ".join(match.group(1).split())


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(
    ("language", "title"),
    [("es", "Página no encontrada"), ("ca", "Pàgina no trobada"), ("en", "Page not found")],
)
def test_not_found_is_the_portals_page_in_the_language(language, title):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert _title(html).startswith(title)
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}</h1>" in html


@pytest.mark.parametrize(
    ("language", "title"),
    [("es", "Acceso denegado"), ("ca", "Accés denegat"), ("en", "Access denied")],
)
def test_forbidden_is_the_portals_page(login, coordinator, call, language, title):
    # A coordinator may not apply for a stay: the view refuses with PermissionDenied.
    response = login(coordinator, language=language).post(f"/calls/{call.pk}/apply/")
    assert response.status_code == 403
    assert _title(response.content.decode()).startswith(title)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("es", "El formulario ha caducado"),
        ("ca", "El formulari ha caducat"),
        ("en", "The form has expired"),
    ],
)
def test_a_refused_form_says_it_expired(language, title):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert _title(response.content.decode()).startswith(title)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("es", "Algo ha ido mal"),
        ("ca", "Alguna cosa ha anat malament"),
        ("en", "Something went wrong"),
    ],
)
def test_server_error_is_the_portals_page(language, title):
    from cooperation.views import server_error

    request = RequestFactory().get("/somewhere/")
    with translation.override(language):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert _title(html).startswith(title)
    assert f'<html lang="{language}">' in html


def test_each_error_page_has_its_own_title():
    titles = set()
    for path in ("/no-such-page/",):
        titles.add(_title(Client(HTTP_ACCEPT_LANGUAGE="en").get(path).content.decode()))
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    titles.add(_title(client.post("/accounts/login/").content.decode()))
    titles.add(_title(Client(HTTP_ACCEPT_LANGUAGE="en").get("/?q=\x00").content.decode()))
    assert len(titles) == 3
