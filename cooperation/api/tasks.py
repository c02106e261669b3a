"""Celery tasks of the API: webhook deliveries and the clean-up of idempotency records."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cooperation.api.models import IdempotencyRecord


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """Make one attempt at one delivery; the sweep hands it over again when a retry is due."""
    from cooperation.api.webhooks import deliver_once

    return deliver_once(delivery_id)[0]


@shared_task
def purge_idempotency_records() -> int:
    """Forget Idempotency-Keys older than the retention window."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
