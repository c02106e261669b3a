"""Celery tasks of the stays workflow: thin wrappers around one service each."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=5, autoretry_for=(ConnectionError,), retry_backoff=True)
def anonymise_researcher(*, user_id: int) -> bool:
    """Anonymise a researcher who asked for erasure (their account is already blocked)."""
    from exchanges.services.personal_data import researcher_anonymise

    return researcher_anonymise(user_id=user_id)


@shared_task(acks_late=True)
def purge_stay_documents() -> int:
    """Delete the documents of applications closed for longer than the retention period."""
    from exchanges.services.personal_data import purge_closed_documents

    return purge_closed_documents()


@shared_task
def announce_opened_calls() -> int:
    """Send the ``call.opened`` webhook for the calls that have opened (every few minutes)."""
    from exchanges.services.calls import calls_announce_opened

    return len(calls_announce_opened())


@shared_task(acks_late=True)
def remind_hosts() -> int:
    """Remind hosts of the applications waiting for their answer (hourly, from beat).

    Safe to run twice or in two beats at once: each reminder is sent once.
    """
    from exchanges.services.reminders import host_reminders_send

    return host_reminders_send()
