"""Anonymous visitors' kept pages answered before most of the middleware
(``projects.catalogue.KeptPageMiddleware``): the same page and headers as through the whole
chain, the visitor's own CSRF token, the language as ever, and nothing early for others."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client

from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
EARLY = "projects.catalogue.KeptPageMiddleware"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _served_early(response) -> bool:
    # The authentication middleware gives every request that reaches it a ``user``.
    return not hasattr(response.wsgi_request, "user")


def _warm(client: Client, url: str) -> None:
    client.get(url)  # the versions
    client.get(url)  # the page, kept


def _pages(project) -> list[str]:
    return ["/projects/", "/projects/?status=proposed", f"/projects/{project.code}/"]


def _comparable(response) -> tuple:
    headers = {k: v for k, v in response.items() if k not in ("X-Request-ID",)}
    cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
    # Its attributes but the expiry instant (the seconds tick between two responses; max-age
    # holds the lifetime).
    attributes = (
        None if cookie is None else {k: v for k, v in cookie.items() if v and k != "expires"}
    )
    body = TOKEN.sub("token", response.content.decode())
    return response.status_code, headers, attributes, body


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_a_kept_page_answered_early_is_the_page_and_headers_of_the_whole_chain(
    language, institution_cdmx, institution_bcn, settings
):
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    early = {}
    for url in _pages(project):
        _warm(Client(HTTP_ACCEPT_LANGUAGE=language), url)
        early[url] = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
        assert early[url].status_code == 200 and _served_early(early[url]), url
    # The same kept pages, served by the view's wrapper after the whole chain.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != EARLY]
    for url, response in early.items():
        late = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
        assert not _served_early(late)
        assert _comparable(response) == _comparable(late), url
        assert response["Content-Language"] == language
        assert response.cookies[settings.CSRF_COOKIE_NAME].value  # a new visitor's cookie


def test_a_returning_visitors_token_and_cookie_are_kept(institution_cdmx):
    ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(HTTP_ACCEPT_LANGUAGE="en"), "/projects/")
    visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    first = visitor.get("/projects/")
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    again = visitor.get("/projects/")
    assert _served_early(first) and _served_early(again)
    # The cookie is sent again to renew it, as Django does, with the visitor's own secret;
    # and the page's token is accepted.
    assert again.cookies[settings.CSRF_COOKIE_NAME].value == secret
    token = TOKEN.search(again.content.decode()).group(1)
    response = visitor.post(
        "/i18n/setlang/", {"language": "ca", "next": "/projects/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_the_language_cookie_chooses_the_kept_page_as_before(institution_cdmx):
    ProjectFactory(title_es="Agua limpia", title_ca="Aigua neta", institutions=[institution_cdmx])
    catalan = Client(HTTP_ACCEPT_LANGUAGE="es")
    catalan.cookies[settings.LANGUAGE_COOKIE_NAME] = "ca"
    _warm(catalan, "/projects/")
    response = catalan.get("/projects/")
    assert _served_early(response) and response["Content-Language"] == "ca"
    assert "Aigua neta" in response.content.decode()
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/projects/")
    assert "Agua limpia" in spanish.content.decode() and spanish["Content-Language"] == "es"


def test_a_visitor_with_a_session_or_messages_goes_through_the_whole_chain(
    login, coordinator, institution_cdmx
):
    ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(), "/projects/")
    signed_in = login(coordinator).get("/projects/")
    assert signed_in.status_code == 200 and not _served_early(signed_in)
    with_messages = Client()
    with_messages.cookies[getattr(settings, "MESSAGE_COOKIE_NAME", "messages")] = "x"
    assert not _served_early(with_messages.get("/projects/"))


def test_other_pages_and_methods_are_not_looked_up(institution_cdmx):
    with mock.patch("projects.catalogue._kept_page") as lookup:
        Client().get("/projects/propose/")
        Client().get("/")
        Client().post("/projects/", {})
    assert lookup.call_count == 0


def test_a_host_not_allowed_is_refused_early_too(institution_cdmx, settings):
    ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(), "/projects/")
    early = Client(HTTP_HOST="evil.example").get("/projects/")
    assert early.status_code == 400
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != EARLY]
    late = Client(HTTP_HOST="evil.example").get("/projects/")
    # The same error page and headers; its ETag is of the page with its own CSRF token.
    (status, early_headers, *rest), (_, late_headers, *late_rest) = map(_comparable, (early, late))
    early_headers.pop("ETag"), late_headers.pop("ETag")
    assert (status, early_headers, rest) == (400, late_headers, late_rest)


def test_a_nul_in_the_query_is_refused_in_the_visitors_language(institution_cdmx):
    ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(), "/projects/?q=%00")
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/projects/?q=%00")
    assert response.status_code == 400


def test_without_redis_the_page_is_computed_through_the_whole_chain(institution_cdmx):
    project = ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(), "/projects/")
    with mock.patch("projects.catalogue.cache.get_many", side_effect=ConnectionError):
        response = Client().get("/projects/")
    assert response.status_code == 200 and project.code in response.content.decode()
    assert not _served_early(response)


def test_a_page_answered_early_is_counted_under_its_view(institution_cdmx):
    from config.metrics import REQUESTS

    ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(), "/projects/")
    counter = REQUESTS.labels("GET", "projects:catalogue", "200")
    before = counter._value.get()
    assert _served_early(Client().get("/projects/"))
    assert counter._value.get() == before + 1


class StampMiddleware:
    """A middleware the project does not have: it marks every response it sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Stamp"] = "seen"
        return response


def test_a_middleware_added_after_it_runs_for_kept_pages_too(institution_cdmx, settings):
    """The early chain is read from MIDDLEWARE: only the named session-bound ones are left out."""
    from projects.catalogue import KeptPageMiddleware

    assert KeptPageMiddleware.inner() == [
        "django.middleware.locale.LocaleMiddleware",
        "cooperation.inputs.InputGuardMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.StampMiddleware"]
    ProjectFactory(institutions=[institution_cdmx])
    _warm(Client(), "/projects/")
    response = Client().get("/projects/")
    assert _served_early(response)
    assert response["X-Stamp"] == "seen"
