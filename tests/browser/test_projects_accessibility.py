"""The project catalogue and a project's page have no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import datetime

import pytest

from cooperation.models import Axis, Party
from projects.models import Milestone
from tests.browser.conftest import axe_violations
from tests.factories import InstitutionFactory
from tests.projects.factories import IndicatorFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def project():
    cdmx = InstitutionFactory(code="AXE-CDMX", party=Party.objects.get(code="CDMX"))
    bcn = InstitutionFactory(code="AXE-BCN", party=Party.objects.get(code="BCN"))
    project = ProjectFactory(
        institutions=[cdmx, bcn],
        title_es="Agua urbana",
        title_ca="Aigua urbana",
        title_en="Urban water",
        impact_es="Menos pérdidas de agua.",
    )
    project.axes.add(Axis.objects.first())
    MilestoneFactory(
        project=project, status=Milestone.Status.DONE, completed_on=datetime.date(2026, 3, 1)
    )
    MilestoneFactory(project=project, due_date=datetime.date(2020, 1, 1))
    IndicatorFactory(project=project)
    for _ in range(21):  # a second page of results
        ProjectFactory()
    return project


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_catalogue_and_project_page_have_no_axe_violation(live_server, page, project, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/projects/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".project-list > li").count() == 20
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/projects/{project.code}/")
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "50"
    assert axe_violations(page) == []


def test_catalogue_can_be_searched_with_the_keyboard_alone(live_server, page, project):
    page.goto(f"{live_server.url}/projects/")
    page.focus("#id_q")
    page.keyboard.type("agua")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=agua" in page.url
    assert page.locator(".project-list > li").count() == 1
    assert axe_violations(page) == []


def test_coordinator_pages_have_no_axe_violation(live_server, page, project):
    from django.conf import settings
    from django.test import Client

    from cooperation.roles import Role
    from tests.factories import UserFactory

    lead = project.participations.get(role="lead").institution
    coordinator = UserFactory(institution=lead, roles=[Role.COORDINATOR])
    client = Client()
    client.force_login(coordinator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    for path in (f"/projects/{project.code}/manage/", "/projects/propose/", "/projects/mine/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
    # A proposal with the end before the start: the error is announced next to its field.
    page.goto(f"{live_server.url}/projects/propose/")
    page.fill("#id_title", "Prueba")
    page.fill("#id_start_date", "2026-05-01")
    page.fill("#id_end_date", "2026-04-01")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    # Next to its field (the portal's form renderer) and in the summary, linked to the field.
    assert page.locator("#id_end_date_error.field-error").count() == 1
    assert page.locator('.error-summary a[href="#id_end_date"]').count() == 1
    assert axe_violations(page) == []


def test_coordinator_edits_and_removes_a_team_member_without_axe_violation(
    live_server, page, project
):
    from django.conf import settings
    from django.test import Client

    from cooperation.roles import Role
    from projects.models import TeamMember
    from tests.factories import UserFactory
    from tests.projects.factories import TeamMemberFactory

    lead = project.participations.get(role="lead").institution
    member = TeamMemberFactory(project=project, name="Núria Soler", institution=lead)
    coordinator = UserFactory(institution=lead, roles=[Role.COORDINATOR])
    client = Client()
    client.force_login(coordinator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/projects/{project.code}/manage/")
    with page.expect_navigation():
        page.get_by_role("link", name="Editar «Núria Soler»").click()
    assert page.locator("#id_team-gender").input_value() == "keep"
    assert axe_violations(page) == []
    page.fill("#id_team-role", "Coordinadora científica")
    with page.expect_navigation():
        page.locator("#team-form button[type=submit]").click()
    assert TeamMember.objects.get(pk=member.pk).role == "Coordinadora científica"
    with page.expect_navigation():
        page.get_by_role("button", name="Quitar a «Núria Soler» del equipo").click()
    assert (
        page.locator(".messages").inner_text().strip()
        == "Núria Soler ya no forma parte del equipo."
    )
    assert axe_violations(page) == []
    assert not TeamMember.objects.filter(pk=member.pk).exists()
