"""Drill: many deliveries to one partner at once, through a real worker and a real receiver."""

from __future__ import annotations

import pytest
from django.db import transaction

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.api.webhooks import emit
from tests.drills.conftest import wait_until
from tests.loopback import SECRET, Receiver

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def endpoint(institution_bcn):
    credentials = partner_client_create(
        name="UPC research office", scopes=["read", "webhooks"], institution=institution_bcn
    )
    credentials.profile.allow_private_webhooks = True
    credentials.profile.save()

    def _endpoint(url: str) -> WebhookEndpoint:
        return WebhookEndpoint.objects.create(
            partner=credentials.profile, url=url, events=["project.created"], secret=SECRET
        )

    return _endpoint


def test_concurrent_deliveries_to_one_partner_all_go_out_once(endpoint, worker):
    # An import of 60 projects: 60 deliveries to one healthy endpoint, committed together and
    # sent by four worker threads at once (the issue lost 635 of 1,500 this way).
    with Receiver(delay=0.05) as receiver, worker(concurrency=4):
        endpoint(receiver.url)
        with transaction.atomic():
            for number in range(60):
                emit("project.created", {"code": f"CDMX-BCN-2026-{number:04d}"})
        assert wait_until(
            lambda: not WebhookDelivery.objects.exclude(status="delivered").exists(), timeout=30
        )
        received = receiver.count()
    assert len(received) == 60
    assert set(received.values()) == {1}  # each webhook-id once
    assert set(received) == set(WebhookDelivery.objects.values_list("message_id", flat=True))
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_delivery_goes_out_while_its_endpoint_and_partner_rows_are_locked(endpoint):
    # The old claim (FOR UPDATE SKIP LOCKED over the delivery joined with its endpoint and
    # partner) skipped a delivery whenever another transaction held those rows, and never
    # retried it. The claim now locks nothing but the delivery's own row.
    import threading

    from cooperation.api.webhooks import deliver_once

    with Receiver() as receiver:
        hook = endpoint(receiver.url)
        with transaction.atomic():
            emit("project.created", {"code": "X"})  # delivered after commit, eagerly
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending")
        locked, release = threading.Event(), threading.Event()

        def hold_locks() -> None:
            from django.db import connection

            with transaction.atomic():
                WebhookEndpoint.objects.select_for_update().filter(pk=hook.pk).first()
                hook.partner.__class__.objects.select_for_update().filter(
                    pk=hook.partner_id
                ).first()
                locked.set()
                release.wait(10)
            connection.close()

        holder = threading.Thread(target=hold_locks)
        holder.start()
        try:
            assert locked.wait(10)
            assert deliver_once(delivery.pk)[0] == "delivered"
        finally:
            release.set()
            holder.join(10)
        assert len(receiver.count()) == 1
        assert list(receiver.count().values()) == [2]  # the same webhook-id, twice
