"""Celery tasks of the API: thin, each takes ids (or nothing) and calls one service."""

from __future__ import annotations

from celery import shared_task

from cooperation.api.idempotency import idempotency_records_purge
from cooperation.api.webhooks import deliver_once


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """Make one attempt at one delivery; the sweep hands it over again when a retry is due."""
    return deliver_once(delivery_id)[0]


@shared_task
def purge_idempotency_records() -> int:
    """Forget Idempotency-Keys older than the retention window."""
    return idempotency_records_purge()
