"""A project's admin page writes its parts through the services, with their refusals (issue 10).

Each case the issue saw on the admin's inlines, reproduced first: the API refused every one of
them, the admin saved them. Now a refused inline change is a message, and nothing of the page
is saved: neither the inline's other rows nor the main form's fields.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from projects.models import (
    FundingCommitment,
    JointProject,
    Milestone,
    Participation,
    ProjectStatus,
    TeamMember,
)
from tests.factories import InstitutionFactory
from tests.projects.admin_forms import admin_form, messages_of
from tests.projects.factories import FundingFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _url(project: JointProject) -> str:
    return f"/admin/projects/jointproject/{project.pk}/change/"


@pytest.fixture
def project(institution_cdmx, institution_bcn) -> JointProject:
    """Active, led by the CDMX institution with the BCN institution as its only BCN partner."""
    return ProjectFactory(
        institutions=[institution_cdmx, institution_bcn],
        status=ProjectStatus.ACTIVE,
        title_es="Agua abierta",
    )


def _snapshot(project: JointProject) -> tuple:
    """What the page could change: the project's fields and every part, as stored."""
    project.refresh_from_db()
    return (
        (project.title_es, project.start_date, project.end_date, project.public),
        sorted(Participation.objects.filter(project=project).values_list("institution", "role")),
        list(FundingCommitment.objects.filter(project=project).values().order_by("pk")),
        list(Milestone.objects.filter(project=project).values().order_by("pk")),
        list(TeamMember.objects.filter(project=project).values().order_by("pk")),
    )


# Alongside each refused change, the page also changes the title and adds a valid milestone:
# none of it may be saved.
ALONGSIDE = {
    "title_es": "Cambiado a la vez",
    "milestones-TOTAL_FORMS": "1",
    "milestones-0-title": "Hito válido",
    "milestones-0-due_date": "2026-09-30",
    "milestones-0-status": "planned",
}


def _post_refused(client, project, changes: dict, message: str) -> None:
    before = _snapshot(project)
    url = _url(project)
    response = client.post(url, admin_form(client, url, **ALONGSIDE, **changes))
    assert response.status_code == 200, response.get("Location")
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert "Nothing was saved" in response.content.decode()
    assert _snapshot(project) == before


def _partner(project: JointProject) -> Participation:
    return project.participations.get(role=Participation.Role.PARTNER)


def _inline_index(project: JointProject, model, pk: int) -> int:
    return list(model.objects.filter(project=project).order_by(*model._meta.ordering)).index(
        model.objects.get(pk=pk)
    )


def test_the_other_citys_only_participation_cannot_become_ones_own_city(
    login, official_cdmx, project, cdmx
):
    other_cdmx = InstitutionFactory(party=cdmx)
    index = _inline_index(project, Participation, _partner(project).pk)
    _post_refused(
        login(official_cdmx),
        project,
        {f"participations-{index}-institution": other_cdmx.pk},
        "keeps at least one institution of each city",
    )


def test_a_second_lead_is_refused_whether_added_or_promoted(login, official_cdmx, project, cdmx):
    client = login(official_cdmx)
    newcomer = InstitutionFactory(party=cdmx)
    _post_refused(
        client,
        project,
        {
            "participations-TOTAL_FORMS": "3",
            "participations-2-institution": newcomer.pk,
            "participations-2-role": "lead",
        },
        "already has a lead institution",
    )
    index = _inline_index(project, Participation, _partner(project).pk)
    _post_refused(
        client,
        project,
        {f"participations-{index}-role": "lead"},
        "already has a lead institution",
    )


def test_the_other_citys_funding_commitment_cannot_be_edited(login, official_cdmx, project, bcn):
    FundingFactory(project=project, funder_party=bcn, amount=Decimal("5000.00"), currency="EUR")
    _post_refused(
        login(official_cdmx),
        project,
        {"funding-0-amount": "1.00"},
        "You may only declare or change the commitments of your own institution",
    )


def test_a_commitment_for_a_year_outside_the_project_is_refused(
    login, official_cdmx, project, cdmx
):
    _post_refused(
        login(official_cdmx),
        project,
        {
            "funding-TOTAL_FORMS": "1",
            "funding-0-funder_party": cdmx.pk,
            "funding-0-amount": "1000",
            "funding-0-currency": "MXN",
            "funding-0-year": "2030",
            "funding-0-kind": "cash",
        },
        "Choose a year of the project, from 2026 to 2027.",
    )


def test_a_team_member_of_an_institution_that_does_not_take_part_is_refused(
    login, official_cdmx, project
):
    outsider = InstitutionFactory()
    _post_refused(
        login(official_cdmx),
        project,
        {
            "team-TOTAL_FORMS": "1",
            "team-0-name": "Persona Ajena",
            "team-0-email": "ajena@example.org",
            "team-0-institution": outsider.pk,
            "team-0-role": "Investigadora",
        },
        "Choose one of the institutions taking part in the project.",
    )


def test_the_refusal_is_in_the_officials_language(login, official_cdmx, project, cdmx):
    client = login(official_cdmx, language="es")
    url = _url(project)
    data = admin_form(
        client,
        url,
        **{
            "funding-TOTAL_FORMS": "1",
            "funding-0-funder_party": cdmx.pk,
            "funding-0-amount": "1000",
            "funding-0-currency": "MXN",
            "funding-0-year": "2030",
            "funding-0-kind": "cash",
        },
    )
    response = client.post(url, data)
    assert any("Elija un año del proyecto, de 2026 a 2027." in m for m in messages_of(response)), (
        messages_of(response)
    )


@pytest.mark.parametrize("status", [ProjectStatus.COMPLETED, ProjectStatus.CANCELLED])
def test_a_completed_or_cancelled_project_is_read_only(login, official_cdmx, project, status):
    MilestoneFactory(project=project, title="Hito cerrado")
    client = login(official_cdmx)
    url = _url(project)
    editable = admin_form(client, url, title_es="Reabierto", **{"milestones-0-title": "Otro"})
    JointProject.objects.filter(pk=project.pk).update(status=status)
    before = _snapshot(project)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert all(
        not inline.has_add_permission and not inline.has_change_permission
        for inline in page.context["inline_admin_formsets"]
    )
    assert 'name="title_es"' not in page.content.decode()
    assert client.post(url, editable).status_code == 403
    assert client.post(f"{url[:-7]}delete/", {"post": "yes"}).status_code == 403
    assert _snapshot(project) == before


def test_an_approved_project_is_not_deleted_but_a_mistaken_proposal_is(
    login, programme_admin, project, institution_cdmx
):
    # (Officials delete nothing in the admin: their groups hold no delete permission.)
    client = login(programme_admin)
    delete = f"{_url(project)[:-7]}delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert JointProject.objects.filter(pk=project.pk).exists()
    proposal = ProjectFactory(institutions=[institution_cdmx])
    response = client.post(f"{_url(proposal)[:-7]}delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not JointProject.objects.filter(pk=proposal.pk).exists()


def test_the_bulk_delete_action_deletes_nothing_when_one_project_may_not_be_deleted(
    login, programme_admin, project, institution_cdmx
):
    proposal = ProjectFactory(institutions=[institution_cdmx])
    client = login(programme_admin)
    response = client.post(
        "/admin/projects/jointproject/",
        {"action": "delete_selected", "_selected_action": [proposal.pk, project.pk], "post": "yes"},
    )
    assert response.status_code in (302, 403)
    assert JointProject.objects.filter(pk__in=[proposal.pk, project.pk]).count() == 2


@pytest.fixture
def endpoint(institution_cdmx) -> WebhookEndpoint:
    partner = partner_client_create(
        name="UNAM office", scopes=["read", "webhooks"], institution=institution_cdmx
    )
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["project.updated"],
        secret="whsec_AAAA",
    )


def test_valid_changes_of_the_page_go_through_the_services_and_name_the_official(
    login, official_cdmx, project, cdmx, institution_cdmx, institution_bcn, endpoint
):
    member = TeamMember.objects.create(
        project=project,
        name="Ana Uno",
        email="ana@example.org",
        institution=institution_bcn,
        role="Técnica",
        gender="woman",
    )
    client = login(official_cdmx)
    url = _url(project)
    newcomer = InstitutionFactory(party=cdmx)
    data = admin_form(
        client,
        url,
        **{
            **ALONGSIDE,
            "participations-TOTAL_FORMS": "3",
            "participations-2-institution": newcomer.pk,
            "participations-2-role": "partner",
            "funding-TOTAL_FORMS": "1",
            "funding-0-funder_party": cdmx.pk,
            "funding-0-amount": "250000",
            "funding-0-currency": "MXN",
            "funding-0-year": "2027",
            "funding-0-kind": "cash",
            "team-0-role": "Coordinadora",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, messages_of(response) if response.context else ""
    project.refresh_from_db()
    assert project.title_es == "Cambiado a la vez"
    assert project.participations.filter(institution=newcomer, role="partner").exists()
    commitment = project.funding.get()
    assert (commitment.amount, commitment.year) == (Decimal("250000"), 2027)
    assert FundingCommitment.history.get(id=commitment.pk).history_user == official_cdmx
    assert project.milestones.get().title == "Hito válido"
    member.refresh_from_db()
    # The inline never shows a member's self-declared gender, and leaves it as declared.
    assert (member.role, member.gender) == ("Coordinadora", "woman")
    assert WebhookDelivery.objects.filter(event="project.updated").exists()


def test_the_status_cannot_be_changed_through_the_form(login, official_cdmx, project):
    client = login(official_cdmx)
    url = _url(project)
    response = client.post(url, admin_form(client, url, status="completed", title_es="Nuevo"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.title_es) == (ProjectStatus.ACTIVE, "Nuevo")
    assert not project.timeline.exists()


def test_new_dates_that_leave_a_commitment_outside_the_project_are_refused(
    login, official_cdmx, project, cdmx
):
    FundingFactory(project=project, funder_party=cdmx, year=2027)
    client = login(official_cdmx)
    url = _url(project)
    before = _snapshot(project)
    response = client.post(url, admin_form(client, url, end_date="2026-12-31"))
    assert response.status_code == 200
    assert any("Funding is committed for 2027" in m for m in messages_of(response))
    assert _snapshot(project) == before


def test_an_official_adds_a_project_with_its_proposal_in_the_timeline(
    login, official_cdmx, institution_cdmx, institution_bcn
):
    from cooperation.models import StrategicArea

    client = login(official_cdmx)
    url = "/admin/projects/jointproject/add/"
    data = admin_form(
        client,
        url,
        **{
            "title_es": "Proyecto nuevo",
            "start_date": "2026-02-01",
            "end_date": "2027-02-01",
            "primary_area": StrategicArea.objects.first().pk,
            "participations-TOTAL_FORMS": "2",
            "participations-0-institution": institution_cdmx.pk,
            "participations-0-role": "lead",
            "participations-1-institution": institution_bcn.pk,
            "participations-1-role": "partner",
        },
    )
    assert client.post(url, data).status_code == 302
    project = JointProject.objects.get()
    event = project.timeline.get()
    assert (event.actor, event.from_status, event.to_status) == (official_cdmx, "", "proposed")
    two_leads = {**data, "title_es": "Dos líderes", "participations-1-role": "lead"}
    response = client.post(url, two_leads)
    assert response.status_code == 200
    assert any("already has a lead institution" in m for m in messages_of(response))
    assert JointProject.objects.count() == 1


def test_a_milestone_of_a_project_of_the_other_city_cannot_be_added(
    login, official_bcn, institution_cdmx
):
    cdmx_only = ProjectFactory(institutions=[institution_cdmx])
    client = login(official_bcn)
    url = _url(cdmx_only)
    assert client.get(url).context["has_change_permission"] is False
    data = admin_form(client, url, **ALONGSIDE)
    assert client.post(url, data).status_code == 403
    assert not Milestone.objects.exists()


def test_an_inactive_institution_cannot_join_through_the_admin(login, official_cdmx, project, cdmx):
    retired = InstitutionFactory(party=cdmx, active=False)
    _post_refused(
        login(official_cdmx),
        project,
        {
            "participations-TOTAL_FORMS": "3",
            "participations-2-institution": retired.pk,
            "participations-2-role": "partner",
        },
        "no longer active",
    )


def test_replacing_a_citys_only_institution_in_one_save_is_allowed(
    login, programme_admin, project, bcn
):
    """Adds run before removals: the project never lacks a city."""
    replacement = InstitutionFactory(party=bcn)
    index = _inline_index(project, Participation, _partner(project).pk)
    client = login(programme_admin)
    url = _url(project)
    data = admin_form(
        client,
        url,
        **{
            "participations-TOTAL_FORMS": "3",
            "participations-2-institution": replacement.pk,
            "participations-2-role": "partner",
            f"participations-{index}-DELETE": "on",
        },
    )
    assert client.post(url, data).status_code == 302
    assert sorted(project.participations.values_list("institution__party__code", flat=True)) == [
        "BCN",
        "CDMX",
    ]
    assert project.participations.filter(institution=replacement).exists()


def test_changed_dates_within_the_years_of_the_funding_are_saved(
    login, official_cdmx, project, cdmx
):
    FundingFactory(project=project, funder_party=cdmx, year=2026)
    client = login(official_cdmx)
    url = _url(project)
    response = client.post(url, admin_form(client, url, end_date="2026-12-31"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.end_date == datetime.date(2026, 12, 31)
