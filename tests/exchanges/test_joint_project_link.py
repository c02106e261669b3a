"""An application may name the joint project the stay contributes to."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from exchanges import services
from exchanges.forms import ProjectStepForm
from tests.factories import InstitutionFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_project_step_offers_current_public_projects_only(draft, institution_bcn, cdmx):
    with_host = ProjectFactory(institutions=[institution_bcn], public=True, status="active")
    public = ProjectFactory(public=True, status="approved")
    # A researcher reads no private project, not even the host's (issue 12): the list would
    # show its code and title to anybody who signs up.
    private_of_host = ProjectFactory(institutions=[institution_bcn], public=False, status="active")
    private_elsewhere = ProjectFactory(institutions=[InstitutionFactory(party=cdmx)], public=False)
    finished = ProjectFactory(institutions=[institution_bcn], status="completed")
    choices = set(ProjectStepForm(instance=draft).fields["joint_project"].queryset)
    assert {with_host, public} <= choices
    assert not {private_of_host, private_elsewhere, finished} & choices
    page = str(ProjectStepForm(instance=draft).as_p())
    assert private_of_host.code not in page and str(private_of_host.title) not in page


def test_the_link_is_saved_with_the_draft(draft, institution_bcn):
    project = ProjectFactory(institutions=[institution_bcn], status="active")
    services.application_save_draft(
        actor=draft.researcher, application_id=draft.pk, data={"joint_project": project}
    )
    draft.refresh_from_db()
    assert draft.joint_project == project


def test_another_institutions_private_project_cannot_be_linked(draft, cdmx):
    secret = ProjectFactory(
        institutions=[InstitutionFactory(party=cdmx)], public=False, status="active"
    )
    with pytest.raises(ValidationError):
        services.application_save_draft(
            actor=draft.researcher, application_id=draft.pk, data={"joint_project": secret}
        )
    draft.refresh_from_db()
    assert draft.joint_project is None


def test_the_host_sees_the_linked_project(submitted, coordinator, login, institution_bcn):
    from exchanges.models import StayApplication

    project = ProjectFactory(
        institutions=[institution_bcn], status="active", title_en="Urban water"
    )
    StayApplication.objects.filter(pk=submitted.pk).update(joint_project=project)
    page = login(coordinator).get(f"/host/{submitted.pk}/")
    assert page.status_code == 200
    assert project.code in page.content.decode()
