"""Partner systems hear of created, changed and moved projects, and only of committed changes."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.models import StrategicArea
from projects.imports import import_projects, read_projects
from projects.models import JointProject
from projects.services import project_propose, project_transition
from tests.projects.factories import ProjectFactory
from tests.projects.test_imports import SAMPLE

pytestmark = pytest.mark.django_db
EVENTS = ["project.created", "project.updated", "project.status_changed"]
PERSONAL = ("email", "name", "team", "gender", "@")


@pytest.fixture
def endpoint(institution_bcn) -> WebhookEndpoint:
    partner = partner_client_create(
        name="UPC research office", scopes=["read", "webhooks"], institution=institution_bcn
    )
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=EVENTS,
        secret="whsec_AAAA",
    )


@pytest.fixture
def project(institution_cdmx, institution_bcn):
    return ProjectFactory(
        institutions=[institution_cdmx, institution_bcn],
        title_es="Agua abierta",
        title_ca="Aigua oberta",
        title_en="Open water",
    )


def _data(delivery: WebhookDelivery) -> dict:
    assert delivery.payload["type"] == delivery.event
    return delivery.payload["data"]


def _assert_no_personal_data(data: dict) -> None:
    text = str(data).lower()
    assert not any(word in text for word in PERSONAL), data


def test_a_status_change_records_one_delivery_sent_after_commit(
    endpoint, project, official_cdmx, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        project_transition(actor=official_cdmx, project=project, to_status="approved")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event, delivery.status) == (
        endpoint,
        "project.status_changed",
        "pending",
    )
    data = _data(delivery)
    project.refresh_from_db()
    assert data == {
        "code": project.code,
        "status": "approved",
        "from": "proposed",
        "to": "approved",
        "title": {"es": "Agua abierta", "ca": "Aigua oberta", "en": "Open water"},
        "updated_at": project.updated_at.isoformat().replace("+00:00", "Z"),
    }
    # Sent after the commit: its hand-over to the workers waits among the on-commit callbacks.
    assert [c.args for c in callbacks if c.args[0] == "webhook"] == [("webhook", [delivery.pk])]


def test_a_proposal_announces_a_created_project(endpoint, coordinator, institution_cdmx):
    project = project_propose(
        actor=coordinator,
        title="Ciudades sin barreras",
        summary="",
        impact="",
        primary_area=StrategicArea.objects.first(),
        areas=[],
        axes=[],
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 8, 31),
        partners=[institution_cdmx],
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "project.created"
    assert _data(delivery)["code"] == project.code
    assert _data(delivery)["status"] == "proposed"
    _assert_no_personal_data(_data(delivery))


def test_a_rolled_back_change_records_and_sends_nothing(
    endpoint, project, official_cdmx, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        project_transition(actor=official_cdmx, project=project, to_status="approved")
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("a later step of the same request fails")
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []
    project.refresh_from_db()
    assert project.status == "proposed"


def test_a_refused_move_records_nothing(endpoint, official_cdmx, institution_cdmx):
    from django.core.exceptions import ValidationError

    one_city = ProjectFactory(institutions=[institution_cdmx])
    with pytest.raises(ValidationError):
        project_transition(actor=official_cdmx, project=one_city, to_status="approved")
    assert not WebhookDelivery.objects.exists()


def test_endpoints_not_subscribed_inactive_or_revoked_get_nothing(
    endpoint, project, official_cdmx, institution_cdmx
):
    from django.utils import timezone

    endpoint.events = ["project.created"]
    endpoint.save()
    project_transition(actor=official_cdmx, project=project, to_status="approved")
    assert not WebhookDelivery.objects.exists()
    endpoint.events = EVENTS
    endpoint.active = False
    endpoint.save()
    project_transition(actor=official_cdmx, project=project, to_status="active")
    assert not WebhookDelivery.objects.exists()
    endpoint.active = True
    endpoint.save()
    endpoint.partner.revoked_at = timezone.now()
    endpoint.partner.save()
    project_transition(actor=official_cdmx, project=project, to_status="suspended")
    assert not WebhookDelivery.objects.exists()


def test_an_import_announces_each_created_project(endpoint, official_cdmx, cdmx, bcn):
    from tests.factories import InstitutionFactory

    for code in ("UNAM", "IPN", "UAM"):
        InstitutionFactory(code=code, party=cdmx)
    for code in ("UPC", "UPF", "UAB", "UB"):
        InstitutionFactory(code=code, party=bcn)
    with SAMPLE.open("rb") as handle:
        result = read_projects(SAMPLE.name, handle)
    import_projects(result, actor=official_cdmx)
    deliveries = WebhookDelivery.objects.order_by("pk")
    assert [d.event for d in deliveries] == ["project.created"] * 3
    assert sorted(_data(d)["code"] for d in deliveries) == sorted(
        JointProject.objects.values_list("code", flat=True)
    )
    assert _data(deliveries[1])["title"]["ca"] == "Dones en robòtica educativa"


def test_coordinators_changes_to_the_parts_announce_an_update(
    endpoint, project, coordinator, login, institution_bcn
):
    before = project.updated_at
    response = login(coordinator).post(
        f"/projects/{project.code}/manage/",
        {
            "action": "team",
            "team-name": "Núria Soler",
            "team-email": "nuria@example.org",
            "team-institution": institution_bcn.pk,
            "team-role": "Investigadora",
            "team-gender": "woman",
        },
    )
    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "project.updated"
    _assert_no_personal_data(_data(delivery))
    project.refresh_from_db()
    assert project.updated_at > before


def _value(value):
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def _admin_form(client, url: str, **fields) -> dict:
    """Return the admin form's current values (every inline's management form included)."""
    response = client.get(url)
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
        forms.extend(inline.formset.initial_forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is not None:
                data[bound.html_name] = _value(value)
    data.update(fields)
    return data


def test_admin_saves_announce_an_update_only_when_something_changed(
    endpoint, project, official_cdmx, login
):
    client = login(official_cdmx)
    url = f"/admin/projects/jointproject/{project.pk}/change/"
    unchanged = client.post(url, _admin_form(client, url))
    assert unchanged.status_code == 302, (
        unchanged.context["errors"],
        [
            (f.formset.prefix, f.formset.errors, f.formset.non_form_errors())
            for f in unchanged.context["inline_admin_formsets"]
        ],
    )
    assert not WebhookDelivery.objects.exists()
    response = client.post(url, _admin_form(client, url, title_en="Open water, open data"))
    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "project.updated"
    assert _data(delivery)["title"]["en"] == "Open water, open data"


def test_an_admin_save_refused_by_validation_records_nothing(
    endpoint, project, official_cdmx, login
):
    client = login(official_cdmx)
    url = f"/admin/projects/jointproject/{project.pk}/change/"
    response = client.post(url, _admin_form(client, url, end_date="2020-01-01"))
    assert response.status_code == 200
    assert not WebhookDelivery.objects.exists()


def test_a_proposal_refuses_a_translation_of_a_column_that_is_not_a_text(coordinator):
    with pytest.raises(ValueError, match="status_ca"):
        project_propose(
            actor=coordinator,
            title="Agua",
            summary="",
            impact="",
            primary_area=StrategicArea.objects.first(),
            areas=[],
            axes=[],
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            partners=[],
            translations={"status_ca": "approved"},
        )
    assert not JointProject.objects.exists()
