"""Drills: the broker loses its data, or is down when a change commits; nothing is lost."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.outbox import dispatch
from cooperation.outbox.models import OutgoingEmail
from reports.models import ReportRun
from reports.services import report_request
from tests.drills.conftest import wait_until
from tests.loopback import SECRET, Receiver
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def scene(settings, tmp_path, institution_cdmx, institution_bcn, coordinator):
    """A two-city project, its coordinator, and a partner listening to status changes."""
    settings.OUTBOX_GRACE_SECONDS = 1
    settings.REPORTS_ROOT = tmp_path / "reports"
    credentials = partner_client_create(
        name="UPC research office", scopes=["read", "webhooks"], institution=institution_bcn
    )
    credentials.profile.allow_private_webhooks = True
    credentials.profile.save()
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(
            partner=credentials.profile,
            url=receiver.url,
            events=["project.status_changed"],
            secret=SECRET,
        )
        project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
        yield project, receiver


def _approve(login, official, project):
    started = time.monotonic()
    response = login(official).post(
        f"/admin/projects/jointproject/{project.pk}/status/", {"to_status": "approved"}
    )
    return response, time.monotonic() - started


def _everything_out(receiver: Receiver, coordinator) -> bool:
    return (
        not WebhookDelivery.objects.exclude(status="delivered").exists()
        and not OutgoingEmail.objects.exclude(state="sent").exists()
        and not ReportRun.objects.exclude(state="succeeded").exists()
    )


def _sweep_until_out(receiver, coordinator, *, timeout: float) -> bool:
    time.sleep(1.1)  # the grace period of the rows' after-commit hand-over
    dispatch.sweep()
    return wait_until(lambda: _everything_out(receiver, coordinator), timeout=timeout)


def test_work_queued_only_in_a_redis_that_lost_its_data_still_goes_out(
    scene, drill_redis, worker, login, official_cdmx, coordinator
):
    project, receiver = scene
    response, _took = _approve(login, official_cdmx, project)
    assert response.status_code == 302
    report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
    assert drill_redis.queued() == 3  # the delivery, the e-mail and the report
    drill_redis.flush()  # Redis restarted without its data (or lost it)
    with worker(concurrency=2):
        assert _sweep_until_out(receiver, coordinator, timeout=20)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert sum(receiver.count().values()) == 1


def test_a_change_committed_while_redis_is_down_answers_and_its_messages_go_out_later(
    scene, drill_redis, worker, login, official_cdmx, coordinator
):
    project, receiver = scene
    drill_redis.stop()
    response, took = _approve(login, official_cdmx, project)
    assert response.status_code == 302  # the change is committed and the page says so
    assert took < 5
    project.refresh_from_db()
    assert project.status == "approved"
    report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
    assert WebhookDelivery.objects.get().status == "pending"
    assert OutgoingEmail.objects.get().state == "pending"
    drill_redis.start()
    with worker(concurrency=2):
        assert _sweep_until_out(receiver, coordinator, timeout=20)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert sum(receiver.count().values()) == 1
