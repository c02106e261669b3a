"""The dispatcher: every kind registered, swept every minute, leases that run out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.outbox import dispatch
from reports.models import ReportRun

pytestmark = pytest.mark.django_db


def test_every_side_effect_is_a_registered_kind_swept_every_minute():
    assert {"email", "webhook", "report"} <= set(dispatch.REGISTRY)
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]
    assert (entry["task"], entry["schedule"]) == ("cooperation.outbox.tasks.sweep_outbox", 60.0)


@pytest.fixture
def delivery(partner_profile):
    endpoint = WebhookEndpoint.objects.create(
        partner=partner_profile, url="http://127.0.0.1:9/x", events=["call.opened"], secret="s"
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_1", event="call.opened", payload={}
    )


@pytest.fixture
def partner_profile(institution_bcn):
    from cooperation.api.clients import partner_client_create

    return partner_client_create(
        name="UPC", scopes=["webhooks"], institution=institution_bcn
    ).profile


def test_a_delivery_held_by_a_worker_that_died_is_handed_over_after_its_lease(delivery):
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=1, leased_until=now + timedelta(seconds=30), next_attempt_at=now
    )
    assert dispatch.REGISTRY["webhook"].due(now) == []  # its worker may still be at it
    later = now + timedelta(seconds=31)
    assert dispatch.REGISTRY["webhook"].due(later) == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == later + dispatch.grace()  # not handed over twice


def test_reports_due_are_queued_ones_past_the_grace_and_runs_of_dead_workers(official_cdmx):
    from reports.services import report_request

    now = timezone.now()
    fresh = report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
    old = report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
    dead = report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
    live = report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
    ReportRun.objects.filter(pk=old.pk).update(created_at=now - timedelta(minutes=5))
    stale = now - timedelta(seconds=settings.REPORT_STALE_SECONDS + 1)
    ReportRun.objects.filter(pk__in=[dead.pk, live.pk]).update(
        state="running", created_at=now - timedelta(minutes=5), heartbeat_at=stale
    )
    ReportRun.objects.filter(pk=live.pk).update(heartbeat_at=now)
    assert dispatch.REGISTRY["report"].due(now) == [old.pk, dead.pk]
    assert fresh


def test_the_sweep_stops_at_the_first_broker_error(settings, monkeypatch):
    from kombu.exceptions import OperationalError

    settings.CELERY_TASK_ALWAYS_EAGER = False
    calls: list[str] = []

    def down(name):
        def publish(args, **kwargs):
            calls.append(name)
            raise OperationalError("down")

        return publish

    dispatch.breaker.reset()
    monkeypatch.setitem(
        dispatch.REGISTRY,
        "a",
        dispatch.Kind("a", "cooperation.outbox.tasks.send_email", lambda n: [1, 2]),
    )
    monkeypatch.setattr("cooperation.outbox.tasks.send_email.apply_async", down("a"))
    try:
        handed = dispatch.sweep(["a", "email"])
    finally:
        dispatch.breaker.reset()
    assert handed == {"a": 0}  # the kinds after it wait for the next sweep
    assert calls == ["a"]


def test_notifications_queued_by_the_previous_version_become_outbox_rows(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from cooperation.models import StrategicArea
    from cooperation.outbox.models import OutgoingEmail
    from cooperation.tasks import send_notification
    from tests.factories import UserFactory

    person = UserFactory(email="p@example.org", language="en")
    area = StrategicArea.objects.get(code="STEAM_EDUCATION")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            send_notification(
                user_ids=[person.pk],
                template="projects/email/status_changed",
                context={"from_status": "proposed", "to_status": "approved"},
                objects={"project": f"cooperation.StrategicArea:{area.pk}"},
            )
            == 1
        )
    assert OutgoingEmail.objects.get().state == "sent"
    assert len(mail.outbox) == 1


def test_an_erasure_whose_task_the_broker_lost_is_made_by_the_sweep(researcher, institution_cdmx):
    from exchanges.models import ResearcherProfile
    from exchanges.services import erasure_request
    from tests.exchanges.factories import make_profile

    make_profile(researcher, institution_cdmx)
    erasure_request(actor=researcher)  # its task is queued after a commit that never comes
    researcher.refresh_from_db()
    assert not researcher.is_active and not researcher.email.startswith("erased-")
    later = timezone.now() + dispatch.grace() + timedelta(seconds=1)
    assert dispatch.REGISTRY["erasure"].due(later) == [researcher.pk]
    ResearcherProfile.objects.filter(user=researcher).update(
        erasure_requested_at=timezone.now() - dispatch.grace() - timedelta(seconds=1)
    )
    assert dispatch.sweep(["erasure"]) == {"erasure": 1}  # eager: anonymised now
    researcher.refresh_from_db()
    assert researcher.email.startswith("erased-")
    assert dispatch.REGISTRY["erasure"].due(later) == []
