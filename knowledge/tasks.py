"""Celery tasks of events: thin wrappers around one service each (scheduled by beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, autoretry_for=(ConnectionError,), retry_backoff=True)
def remind_registrations() -> int:
    """E-mail the reminder of the events that start within a day (each registration once)."""
    from knowledge.services.registrations import registrations_remind_due

    return registrations_remind_due()


@shared_task(acks_late=True)
def purge_registrations() -> int:
    """Delete the registrations of events over for longer than the retention period."""
    from knowledge.services.registrations import registrations_purge_past

    return registrations_purge_past()
