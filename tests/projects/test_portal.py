"""Coordinators keep their institution's projects up to date in the portal, and only those."""

from __future__ import annotations

import datetime

import pytest

from cooperation.models import Axis, StrategicArea
from cooperation.roles import Role
from projects.models import JointProject, Measurement, Milestone, TeamMember
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import IndicatorFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_project(institution_cdmx, institution_bcn):
    return ProjectFactory(institutions=[institution_bcn, institution_cdmx])


@pytest.fixture
def other_project(institution_cdmx):
    return ProjectFactory(institutions=[institution_cdmx, InstitutionFactory()])


def _team_post(institution) -> dict:
    return {
        "action": "team",
        "team-name": "Núria Soler",
        "team-email": "nuria@example.org",
        "team-institution": institution.pk,
        "team-role": "Investigadora",
        "team-gender": "woman",
    }


def test_coordinator_lists_only_their_institutions_projects(
    login, coordinator, own_project, other_project
):
    content = login(coordinator).get("/projects/mine/").content.decode()
    assert own_project.code in content
    assert other_project.code not in content


def test_coordinator_adds_a_team_member_a_milestone_and_a_measurement(
    login, coordinator, own_project, institution_bcn
):
    client = login(coordinator)
    url = f"/projects/{own_project.code}/manage/"
    assert client.post(url, _team_post(institution_bcn)).status_code == 302
    response = client.post(
        url,
        {
            "action": "milestone",
            "milestone-title": "Primer taller",
            "milestone-due_date": "2026-09-30",
            "milestone-status": "planned",
        },
    )
    assert response.status_code == 302
    indicator = IndicatorFactory(project=own_project)
    response = client.post(
        url,
        {
            "action": "measurement",
            "measurement-indicator": indicator.pk,
            "measurement-date": "2026-10-01",
            "measurement-value": "12",
        },
    )
    assert response.status_code == 302
    assert TeamMember.objects.get(project=own_project).name == "Núria Soler"
    assert Milestone.objects.get(project=own_project).title == "Primer taller"
    assert Measurement.objects.get(indicator=indicator).value == 12
    assert own_project.history.exists()


def test_coordinator_marks_a_milestone_done(login, coordinator, own_project):
    milestone = MilestoneFactory(project=own_project, title="Informe")
    response = login(coordinator).post(
        f"/projects/{own_project.code}/manage/",
        {
            "action": "milestone",
            "milestone_id": milestone.pk,
            "milestone-title": "Informe",
            "milestone-due_date": "2026-06-30",
            "milestone-status": "done",
            "milestone-completed_on": "2026-06-15",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_on) == ("done", datetime.date(2026, 6, 15))


def test_coordinator_cannot_touch_another_institutions_project(
    login, coordinator, other_project, institution_bcn
):
    client = login(coordinator, language="es")
    url = f"/projects/{other_project.code}/manage/"
    assert client.get(url).status_code == 403
    response = client.post(url, _team_post(institution_bcn))
    assert response.status_code == 403
    assert (
        "Solo puede modificar los proyectos de su propia institución." in response.content.decode()
    )
    assert not TeamMember.objects.exists()


def test_coordinator_cannot_change_a_milestone_of_another_project_through_their_own(
    login, coordinator, own_project, other_project
):
    foreign = MilestoneFactory(project=other_project, title="Ajeno")
    response = login(coordinator).post(
        f"/projects/{own_project.code}/manage/",
        {
            "action": "milestone",
            "milestone_id": foreign.pk,
            "milestone-title": "Cambiado",
            "milestone-due_date": "2026-06-30",
            "milestone-status": "planned",
        },
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Ajeno"


def test_coordinator_cannot_record_a_measurement_of_another_projects_indicator(
    login, coordinator, own_project, other_project
):
    IndicatorFactory(project=own_project)
    foreign = IndicatorFactory(project=other_project)
    response = login(coordinator).post(
        f"/projects/{own_project.code}/manage/",
        {
            "action": "measurement",
            "measurement-indicator": foreign.pk,
            "measurement-date": "2026-10-01",
            "measurement-value": "3",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.REVIEWER])
def test_other_roles_cannot_use_the_coordinators_pages(login, own_project, role):
    client = login(UserFactory(roles=[role]))
    assert client.get("/projects/mine/").status_code == 403
    assert client.get(f"/projects/{own_project.code}/manage/").status_code == 403
    assert client.get("/projects/propose/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, own_project):
    response = client.get(f"/projects/{own_project.code}/manage/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _proposal(**overrides) -> dict:
    data = {
        "title": "Ciudades sin barreras",
        "summary": "Accesibilidad en escuelas.",
        "impact": "Alumnado con discapacidad incluido.",
        "primary_area": StrategicArea.objects.get(code="INCLUSIVE_EDUCATION").pk,
        "axes": [Axis.objects.get(code="INCLUSIVE_ECOSYSTEMS").pk],
        "start_date": "2026-09-01",
        "end_date": "2027-08-31",
    }
    data.update(overrides)
    return data


def test_coordinator_proposes_a_project_led_by_their_institution(
    login, coordinator, institution_cdmx, institution_bcn
):
    response = login(coordinator).post(
        "/projects/propose/", _proposal(partners=[institution_cdmx.pk])
    )
    project = JointProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.code}/manage/"
    assert project.status == "proposed"
    assert project.code.startswith("CDMX-BCN-2026-")
    # Texts are kept in the language the coordinator wrote them in (English here).
    assert project.title_en == "Ciudades sin barreras"
    lead = project.participations.get(role="lead")
    assert lead.institution == institution_bcn
    assert project.timeline.get().actor == coordinator


def test_proposal_with_the_end_before_the_start_is_refused_with_a_message(
    login, coordinator, institution_cdmx
):
    response = login(coordinator, language="es").post(
        "/projects/propose/",
        _proposal(partners=[institution_cdmx.pk], end_date="2026-01-01"),
    )
    assert response.status_code == 200
    assert (
        "El final previsto no puede ser anterior al inicio previsto." in response.content.decode()
    )
    assert not JointProject.objects.exists()


def test_catalogue_links_coordinators_to_their_projects(login, coordinator, reviewer):
    assert 'href="/projects/mine/"' in login(coordinator).get("/projects/").content.decode()
    assert 'href="/projects/mine/"' not in login(reviewer).get("/projects/").content.decode()


def test_milestone_edit_form_is_prefilled_and_team_institutions_are_the_projects(
    login, coordinator, own_project, institution_cdmx
):
    milestone = MilestoneFactory(project=own_project, title="Informe final")
    response = login(coordinator).get(
        f"/projects/{own_project.code}/manage/?milestone={milestone.pk}"
    )
    content = response.content.decode()
    assert f'name="milestone_id" value="{milestone.pk}"' in content
    assert 'value="Informe final"' in content
    choices = set(response.context["team_form"].fields["institution"].queryset)
    assert choices == {p.institution for p in own_project.participations.all()}


def test_team_member_of_an_institution_outside_the_project_is_refused(
    login, coordinator, own_project
):
    outsider = InstitutionFactory()
    response = login(coordinator).post(
        f"/projects/{own_project.code}/manage/", _team_post(outsider)
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not TeamMember.objects.exists()
