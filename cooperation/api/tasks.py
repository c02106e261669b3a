"""Celery tasks of the API: webhook deliveries and the clean-up of idempotency records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cooperation.api.models import IdempotencyRecord, WebhookDelivery


def deliver_once(delivery_id: int) -> tuple[str, int]:
    """Make one attempt at a pending delivery; return the outcome and the attempts so far."""
    from cooperation.api.webhooks import attempt

    with transaction.atomic():
        # The row lock makes a duplicate task wait, then see the delivery already done.
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint__partner")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped", 0
        if attempt(delivery):
            return "delivered", delivery.attempts
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.save(update_fields=["status"])
            return "failed", delivery.attempts
    return "retry", delivery.attempts


def retry_delay(attempts: int) -> int:
    """Exponential back-off: base, 2×base, 4×base… capped at six hours."""
    return int(min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 6 * 3600))


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: Any, delivery_id: int) -> str:
    """Send one delivery; retry with exponential back-off until it is accepted or gives up."""
    outcome, attempts = deliver_once(delivery_id)
    if outcome == "retry":
        raise self.retry(countdown=retry_delay(attempts))
    return outcome


@shared_task
def purge_idempotency_records() -> int:
    """Forget Idempotency-Keys older than the retention window."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
