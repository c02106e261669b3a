"""The officials' dashboard has no WCAG 2.1 A/AA violation, in each language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cooperation.models import Axis, Party
from projects.models import TeamMember
from tests.browser.conftest import axe_violations
from tests.factories import InstitutionFactory
from tests.projects.factories import FundingFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def figures():
    cdmx = InstitutionFactory(code="DASH-CDMX", party=Party.objects.get(code="CDMX"))
    bcn = InstitutionFactory(code="DASH-BCN", party=Party.objects.get(code="BCN"))
    project = ProjectFactory(institutions=[cdmx, bcn], status="active")
    project.axes.add(Axis.objects.first())
    FundingFactory(project=project, amount=Decimal("1500"), currency="EUR")
    for index in range(6):
        TeamMember.objects.create(
            project_id=project.pk,
            name=f"Persona {index}",
            email=f"dash{index}@example.org",
            institution_id=cdmx.pk,
            role="Investigación",
            gender="woman",
        )


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_dashboard_has_no_axe_violation(live_server, page, figures, official_cdmx, language):
    from django.conf import settings
    from django.test import Client

    from tests.conftest import mark_second_factor

    client = Client()
    client.force_login(official_cdmx)
    mark_second_factor(client, official_cdmx)
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
    page.goto(f"{live_server.url}/admin/reports/dashboard/")
    # Seven panels (the hosts with the most researchers among them), the knowledge exchange's
    # two (practices, transfers), the officials' questions' two (ECOS institutions in nothing,
    # indicator progress) and the events'.
    assert page.locator("svg.dashboard-svg").count() == 12
    assert page.locator("table.dashboard-table").count() == 12
    assert axe_violations(page) == []
