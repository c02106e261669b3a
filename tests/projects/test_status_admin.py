"""Officials move a project through its lifecycle from the project's own admin page."""

from __future__ import annotations

import pytest
from django.core import mail

from projects.models import JointProject, ProjectStatus
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _urls(project: JointProject) -> tuple[str, str]:
    change = f"/admin/projects/jointproject/{project.pk}/change/"
    return change, f"/admin/projects/jointproject/{project.pk}/status/"


@pytest.fixture
def two_city_project(institution_cdmx, institution_bcn):
    return ProjectFactory(institutions=[institution_cdmx, institution_bcn])


@pytest.fixture
def cdmx_only_project(institution_cdmx):
    return ProjectFactory(institutions=[institution_cdmx])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_form_lists_only_the_moves_the_table_allows_the_official(
    login, official_cdmx, two_city_project
):
    change, status = _urls(two_city_project)
    response = login(official_cdmx).get(change)
    form = response.context["move_form"]
    assert [value for value, _label in form.fields["to_status"].choices] == [
        "approved",
        "cancelled",
    ]
    content = response.content.decode()
    assert f'action="{status}"' in content
    assert '<option value="completed"' not in content


def test_official_approves_with_a_note_and_the_coordinators_are_emailed(
    login, official_cdmx, coordinator, two_city_project, django_capture_on_commit_callbacks
):
    change, status = _urls(two_city_project)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(official_cdmx).post(
            status, {"to_status": "approved", "note": "Comité del 20 de noviembre"}, follow=True
        )
    assert response.redirect_chain == [(change, 302)]
    assert f"The project {two_city_project.code} moved to “Approved”." in _messages(response)
    two_city_project.refresh_from_db()
    assert two_city_project.status == ProjectStatus.APPROVED
    event = two_city_project.timeline.get()
    assert (event.actor, event.note) == (official_cdmx, "Comité del 20 de noviembre")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    # The page now offers the next moves from "approved".
    choices = response.context["move_form"].fields["to_status"].choices
    assert [value for value, _label in choices] == ["active", "cancelled"]


def test_official_of_the_other_city_sees_no_move_and_is_refused(
    login, official_bcn, cdmx_only_project
):
    change, status = _urls(cdmx_only_project)
    client = login(official_bcn)
    page = client.get(change)
    assert page.context["move_form"] is None
    assert "No status change is open to you for this project now." in page.content.decode()
    response = client.post(status, {"to_status": "cancelled", "note": "x"}, follow=True)
    assert "You may not make this change to this project." in _messages(response)
    cdmx_only_project.refresh_from_db()
    assert cdmx_only_project.status == ProjectStatus.PROPOSED
    assert not cdmx_only_project.timeline.exists()


def test_administrator_moves_any_project(login, programme_admin, cdmx_only_project):
    change, status = _urls(cdmx_only_project)
    client = login(programme_admin)
    choices = client.get(change).context["move_form"].fields["to_status"].choices
    assert [value for value, _label in choices] == ["approved", "cancelled"]
    response = client.post(status, {"to_status": "cancelled"}, follow=True)
    assert response.redirect_chain == [(change, 302)]
    cdmx_only_project.refresh_from_db()
    assert cdmx_only_project.status == ProjectStatus.CANCELLED


def test_refusals_of_the_service_are_shown_as_messages_in_the_users_language(
    login, programme_admin, cdmx_only_project
):
    _change, status = _urls(cdmx_only_project)
    response = login(programme_admin, language="es").post(
        status, {"to_status": "approved"}, follow=True
    )
    assert (
        "Un proyecto solo puede aprobarse cuando participa al menos una institución de cada "
        "ciudad." in _messages(response)
    )
    cdmx_only_project.refresh_from_db()
    assert cdmx_only_project.status == ProjectStatus.PROPOSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_status": "completed"}, "A project cannot go from “Proposed” to “Completed”."),
        ({"to_status": "exploded"}, "Select a valid choice. exploded is not one of"),
        ({}, "This field is required."),
        ({"to_status": "approved", "note": "x" * 2001}, "Ensure this value has at most 2000"),
    ],
)
def test_bad_moves_change_nothing_and_say_why(
    login, official_cdmx, two_city_project, data, message
):
    _change, status = _urls(two_city_project)
    response = login(official_cdmx).post(status, data, follow=True)
    assert any(m.startswith(message) for m in _messages(response)), _messages(response)
    two_city_project.refresh_from_db()
    assert two_city_project.status == ProjectStatus.PROPOSED
    assert not two_city_project.timeline.exists()


def test_status_page_needs_a_post_and_an_existing_project(login, official_cdmx, two_city_project):
    change, status = _urls(two_city_project)
    client = login(official_cdmx)
    assert client.get(status)["Location"] == change
    assert client.post("/admin/projects/jointproject/999999/status/").status_code == 404


def test_people_outside_the_admin_cannot_move_a_project(login, coordinator, two_city_project):
    _change, status = _urls(two_city_project)
    response = login(coordinator).post(status, {"to_status": "cancelled"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    two_city_project.refresh_from_db()
    assert two_city_project.status == ProjectStatus.PROPOSED
