"""One rule for staff: an official's or administrator's password alone opens nothing that only
staff may see, on any page of the portal, the admin or the API (issue 12, point 1).

The pages the probe found open (an applicant's document and application, a report's file and
its progress) are tested with real objects; then a guard walks every URL pattern, so that a
new staff view which forgets the rule fails here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from cooperation.access import SecondFactorMiddleware, sign_in_required
from cooperation.roles import is_official, is_programme_admin
from exchanges.permissions import can_download, can_view_application
from reports import services as report_services
from reports.models import ReportRun
from reports.services import can_use_reports
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
REAUTHENTICATE = "/accounts/2fa/reauthenticate/"


def _finished_run(official) -> ReportRun:
    run = report_services.report_request(
        actor=official, kind="institutions", parameters={}, format="csv", enqueue=False
    )
    assert report_services.report_execute(run.pk) == "succeeded"
    return run


def _staff_pages(submitted, official) -> list[str]:
    attachment = submitted.attachments.first()
    run = _finished_run(official)
    return [
        f"/stays/documents/{attachment.pk}/",
        f"/stays/{submitted.pk}/",
        f"/reports/runs/{run.pk}/download/",
        f"/reports/runs/{run.pk}/progress/",
    ]


def test_an_official_without_totp_is_sent_to_enrol_before_any_staff_page(
    login, submitted, official_without_totp, official_cdmx
):
    client = login(official_without_totp, second_factor=False)
    for url in _staff_pages(submitted, official_cdmx):
        response = client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(ACTIVATE), (url, response["Location"])


def test_an_official_with_a_password_only_session_is_asked_for_the_code(
    login, submitted, official_cdmx
):
    client = login(official_cdmx, second_factor=False)
    for url in _staff_pages(submitted, official_cdmx):
        response = client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(REAUTHENTICATE), (url, response["Location"])


def test_the_same_pages_open_after_the_second_factor(login, submitted, official_cdmx):
    client = login(official_cdmx)
    for url in _staff_pages(submitted, official_cdmx):
        assert client.get(url).status_code == 200, url


def _request_user(client) -> Any:
    """The user of a request made with the client's session, through the middleware."""
    request = RequestFactory().get("/")
    request.session = client.session
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return SecondFactorMiddleware(lambda r: r.user)(request)


def test_permission_helpers_refuse_a_password_only_session(login, submitted, official_cdmx):
    """Whichever view asks: the helpers themselves refuse staff powers without the factor."""
    attachment = submitted.attachments.first()
    without = _request_user(login(official_cdmx, second_factor=False))
    assert not is_official(without)
    assert not can_view_application(without, submitted)
    assert not can_download(without, attachment)
    assert not can_use_reports(without)
    verified = _request_user(login(official_cdmx))
    assert is_official(verified)
    assert can_view_application(verified, submitted)
    assert can_download(verified, attachment)
    assert can_use_reports(verified)
    # Outside a request (a task, a command) a user acts with its roles.
    assert is_official(official_cdmx)


def test_an_async_view_reads_the_same_mark(login, official_cdmx):
    from asgiref.sync import async_to_sync

    request = RequestFactory().get("/")
    request.session = login(official_cdmx, second_factor=False).session
    AuthenticationMiddleware(lambda r: None).process_request(request)
    SecondFactorMiddleware(lambda r: None)(request)
    user = async_to_sync(request.auser)()
    assert user.is_authenticated and not is_official(user)


def test_an_administrator_without_the_factor_is_no_administrator(login, programme_admin):
    assert not is_programme_admin(_request_user(login(programme_admin, second_factor=False)))
    assert is_programme_admin(_request_user(login(programme_admin)))


def test_a_private_project_is_not_shown_to_a_password_only_session(login, official_cdmx):
    project = ProjectFactory(public=False)
    url = f"/projects/{project.code}/"
    response = login(official_cdmx, second_factor=False).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert login(official_cdmx).get(url).status_code == 200


# --- The guard: every URL pattern ---------------------------------------------------------------

# Portal pages that anybody may open, signed in or not: they show only public data (a private
# project's page checks the rule itself, tested above). Every other page of the portal must be
# wrapped by ``cooperation.access.sign_in_required``.
PUBLIC = {
    "home",
    "healthz",
    "readyz",
    # For the monitoring, not for people: its own gate (a token or a private network; 404 to
    # anyone else, signed in or not), tested in tests/ops/test_observability.py.
    "metrics",
    "projects:catalogue",
    "projects:detail",
    "exchanges:call_list",
    "exchanges:call_detail",
    # The library of practices; a draft's page and documents check the rule themselves
    # (``Practice.objects.visible_to``, tests/knowledge/test_library.py).
    "knowledge:library",
    "knowledge:detail",
    "knowledge:document",
    # Events: the public lists and pages (drafts only to those who may read them,
    # ``Event.objects.visible_to``) and the iCalendar feeds of what is listed.
    "knowledge:events",
    "knowledge:events_past",
    "knowledge:event",
    "knowledge:calendar",
    "knowledge:calendar_area",
    "knowledge:calendar_city",
    # Open data: the page, the DCAT catalogue and the released files, all public by design
    # (no personal data: tests/opendata/test_releases.py scans every file).
    "opendata:index",
    "opendata:catalog",
    "opendata:catalog_rdf",
    "opendata:download",
}
# Served by others, each with its own gate: allauth's sign-in pages, the admin (its site asks for
# the second factor; walked below), the API (the access matrix has a password-only caller) and
# OAuth2's token endpoints (no session at all).
ELSEWHERE = ("accounts/", "admin/", "api/", "o/", "i18n/")


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            space = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _patterns(p.url_patterns, prefix + str(p.pattern), space)
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), f"{namespace}{p.name}", p.callback))
    return found


def _example(route: str) -> str:
    """A concrete address for a route: numbers for ids, a word for the rest."""
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = re.sub(r"<int:[^>]+>|\(\?P<[^>]*pk[^>]*>[^)]*\)", "987654", route)
    route = re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "x", route)
    return "/" + route


def _portal_routes() -> list[tuple[str, str, Any]]:
    return [
        (route, name, callback)
        for route, name, callback in _patterns(get_resolver().url_patterns)
        if not route.startswith(ELSEWHERE)
    ]


def test_every_portal_view_is_public_or_guarded() -> None:
    """A new page fails here until it is listed as public or wrapped by sign_in_required."""
    routes = _portal_routes()
    assert len(routes) > 20
    unguarded = sorted(
        name
        for _route, name, callback in routes
        if name not in PUBLIC and not getattr(callback, "requires_second_factor", False)
    )
    assert not unguarded, f"wrap in sign_in_required, or list as public: {unguarded}"
    assert {name for _route, name, _callback in routes} >= PUBLIC, "a public name went stale"


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_portal_staff_page_answers_a_password_only_official(
    login, official_cdmx, method
) -> None:
    client = login(official_cdmx, second_factor=False)
    for route, name, _callback in _portal_routes():
        if name in PUBLIC:
            continue
        url = _example(route)
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"].startswith(REAUTHENTICATE), (url, response["Location"])


def test_no_admin_page_answers_a_password_only_official(login, official_cdmx) -> None:
    client = login(official_cdmx, second_factor=False)
    routes = [
        (route, name)
        for route, name, _callback in _patterns(get_resolver().url_patterns)
        if route.startswith("admin/") and not name.endswith(("login", "logout"))
    ]
    assert len(routes) > 50
    for route, _name in routes:
        url = _example(route).replace("/x/", "/1/")
        response = client.get(url)
        # 302 to the sign-in (then to the second factor), or the view's own redirect of an
        # unknown object to the index: never a page.
        assert response.status_code in (301, 302), (url, response.status_code)
        assert "/accounts/" in response["Location"] or response["Location"].startswith(
            "/admin/login/"
        ), (url, response["Location"])


def test_the_decorator_marks_what_it_guards() -> None:
    @sign_in_required
    def view(request):  # pragma: no cover - never called
        return None

    assert view.requires_second_factor is True
