"""A conflict of interest is declared knowing who and what: the page shows the applicant, their
home institution, the host and the project first, and the declaration records what was shown."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exchanges import services
from exchanges.models import ReviewAssignment, StayApplication
from tests.admin_forms import admin_form
from tests.exchanges.conftest import accept
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(submitted, coordinator, official_cdmx, reviewer):
    accept(submitted, coordinator)
    return services.review_assign(
        actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
    )


def test_the_review_page_shows_who_and_what_before_the_conflict_question(
    login, assignment, reviewer
):
    application = assignment.application
    page = login(reviewer).get(reverse("exchanges:review_detail", args=[assignment.pk]))
    html = page.content.decode()
    question = html.index("Do you have a conflict of interest")
    for shown in (
        application.researcher.get_full_name(),
        application.researcher.researcher_profile.home_institution.name,
        application.host.name,
        application.title,
    ):
        assert 0 <= html.index(shown) < question, shown


def test_declaring_on_the_page_records_what_was_shown_and_when(login, assignment, reviewer):
    client = login(reviewer)
    url = reverse("exchanges:review_detail", args=[assignment.pk])
    html = client.get(url).content.decode()
    start = html.rindex("<form", 0, html.index('name="shown"'))  # the declaration's form
    data = admin_form(html[:start] + '<form id="f"' + html[start + 5 :], "f")
    assert data["shown"]
    data.update({"has_conflict": "yes", "explanation": "Colaboramos", "declare": ""})
    assert client.post(url, data).status_code == 302
    assignment.refresh_from_db()
    application = assignment.application
    assert assignment.has_conflict is True
    assert assignment.disclosed == {
        "applicant": application.researcher.get_full_name(),
        "home_institution": str(application.researcher.researcher_profile.home_institution),
        "host": str(application.host),
        "title": application.title,
        "joint_project": "",
    }
    assert assignment.disclosed_at <= assignment.conflict_declared_at


def test_a_blind_declaration_is_refused(assignment, reviewer):
    for shown in ("", "forged", services.conflict_disclosure_token(_other_assignment(assignment))):
        with pytest.raises(ValidationError, match="Read who the applicant is"):
            services.conflict_declare(
                actor=reviewer, assignment_id=assignment.pk, has_conflict=False, shown=shown
            )
    assignment.refresh_from_db()
    assert assignment.has_conflict is None and assignment.disclosed == {}


def test_a_declaration_on_details_that_changed_since_is_refused(assignment, reviewer):
    token = services.conflict_disclosure_token(assignment)
    StayApplication.objects.filter(pk=assignment.application_id).update(title="Otro proyecto")
    with pytest.raises(ValidationError, match="changed since the page was shown"):
        services.conflict_declare(
            actor=reviewer, assignment_id=assignment.pk, has_conflict=False, shown=token
        )
    assignment.refresh_from_db()
    assert assignment.has_conflict is None


def test_a_page_post_without_the_shown_details_is_refused_with_the_reason(
    login, assignment, reviewer
):
    url = reverse("exchanges:review_detail", args=[assignment.pk])
    response = login(reviewer).post(url, {"has_conflict": "no", "declare": ""})
    assert "Read who the applicant is" in response.content.decode()
    assert ReviewAssignment.objects.get(pk=assignment.pk).has_conflict is None


def _other_assignment(assignment):
    from cooperation.roles import Role

    other = UserFactory(email="otra@example.org", roles=[Role.REVIEWER])
    return ReviewAssignment.objects.create(
        application=assignment.application, reviewer=other, assigned_by=None
    )
