"""Coordinators edit and remove their project's team members; the history keeps every change."""

from __future__ import annotations

import pytest

from cooperation.roles import Role
from projects.models import TeamMember
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import ProjectFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_project(institution_cdmx, institution_bcn):
    return ProjectFactory(institutions=[institution_bcn, institution_cdmx])


@pytest.fixture
def member(own_project, institution_bcn):
    return TeamMemberFactory(
        project=own_project, name="Núria Soler", institution=institution_bcn, gender="woman"
    )


def _edit(member: TeamMember, **overrides) -> dict:
    data = {
        "action": "team",
        "member_id": member.pk,
        "team-name": member.name,
        "team-email": member.email,
        "team-institution": member.institution_id,
        "team-role": "Coordinadora científica",
        "team-gender": "keep",
    }
    data.update(overrides)
    return data


def _url(project) -> str:
    return f"/projects/{project.code}/manage/"


def test_coordinator_edits_a_member_and_the_declared_gender_stays_unseen_and_unchanged(
    login, coordinator, own_project, member, institution_cdmx
):
    client = login(coordinator)
    page = client.get(f"{_url(own_project)}?member={member.pk}")
    content = page.content.decode()
    assert f'name="member_id" value="{member.pk}"' in content
    assert 'value="Núria Soler"' in content
    # The edit form never shows the stored answer: "keep" is selected, not "woman".
    assert '<option value="keep" selected>' in content
    assert '<option value="woman" selected>' not in content
    response = client.post(
        _url(own_project), _edit(member, **{"team-institution": institution_cdmx.pk})
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.institution, member.gender) == (
        "Coordinadora científica",
        institution_cdmx,
        "woman",
    )
    client.post(_url(own_project), _edit(member, **{"team-gender": "undisclosed"}))
    member.refresh_from_db()
    assert member.gender == "undisclosed"


def test_coordinator_removes_a_member_and_the_history_keeps_who_did_what(
    login, coordinator, own_project, member
):
    client = login(coordinator)
    client.post(_url(own_project), _edit(member, **{"team-role": "Asesora"}))
    response = client.post(
        _url(own_project), {"action": "team_remove", "member_id": member.pk}, follow=True
    )
    assert "Núria Soler was removed from the team." in response.content.decode()
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    history = TeamMember.history.filter(id=member.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert [h.history_user for h in history][1:] == [coordinator, coordinator]
    assert history[1].role == "Asesora"
    # The history holds no gender (only anonymous totals may read it).
    assert not hasattr(history[0], "gender")


def test_editing_to_an_institution_outside_the_project_is_refused(
    login, coordinator, own_project, member
):
    outsider = InstitutionFactory()
    response = login(coordinator).post(
        _url(own_project), _edit(member, **{"team-institution": outsider.pk})
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    member.refresh_from_db()
    assert member.role == "Investigadora principal"


def test_an_added_member_cannot_use_the_keep_answer(login, coordinator, own_project):
    response = login(coordinator).post(
        _url(own_project),
        {
            "action": "team",
            "team-name": "Pau Roca",
            "team-email": "pau@example.org",
            "team-institution": own_project.participations.first().institution_id,
            "team-role": "Técnico",
            "team-gender": "keep",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not TeamMember.objects.exists()


def test_coordinator_of_another_institution_cannot_edit_or_remove(login, own_project, member):
    stranger = UserFactory(institution=InstitutionFactory(), roles=[Role.COORDINATOR])
    client = login(stranger, language="es")
    edit = client.post(_url(own_project), _edit(member, **{"team-name": "Cambiado"}))
    remove = client.post(_url(own_project), {"action": "team_remove", "member_id": member.pk})
    assert edit.status_code == remove.status_code == 403
    member.refresh_from_db()
    assert member.name == "Núria Soler"


@pytest.mark.parametrize("member_id", ["other", "abc", ""])
def test_a_member_of_another_project_or_no_member_is_not_found(
    login, coordinator, own_project, institution_cdmx, member_id
):
    foreign = TeamMemberFactory(
        project=ProjectFactory(institutions=[institution_cdmx]), name="Ajena"
    )
    value = foreign.pk if member_id == "other" else member_id
    client = login(coordinator)
    assert (
        client.post(_url(own_project), {"action": "team_remove", "member_id": value}).status_code
        == 404
    )
    if member_id == "other":
        assert client.get(f"{_url(own_project)}?member={value}").status_code == 404
        assert (
            client.post(_url(own_project), _edit(foreign, **{"team-name": "X"})).status_code == 404
        )
    foreign.refresh_from_db()
    assert foreign.name == "Ajena"


def test_services_refuse_a_member_of_another_project(coordinator, own_project, institution_cdmx):
    from django.core.exceptions import PermissionDenied

    from projects.services import team_member_remove

    foreign = TeamMemberFactory(project=ProjectFactory(institutions=[institution_cdmx]))
    with pytest.raises(PermissionDenied):
        team_member_remove(actor=coordinator, project=own_project, member=foreign)
    assert TeamMember.objects.filter(pk=foreign.pk).exists()
