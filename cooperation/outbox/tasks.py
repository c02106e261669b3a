"""Celery tasks of the outbox: thin, they take ids and call one function."""

from __future__ import annotations

from celery import shared_task

from cooperation.outbox import dispatch, mail


@shared_task(acks_late=True, ignore_result=True)
def send_email(email_id: int) -> str:
    """Make one attempt at one message; the sweep hands it over again when a retry is due."""
    return mail.email_send_once(email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict[str, int]:
    """Hand over every outbox row still due (every minute, from beat)."""
    return dispatch.sweep()


@shared_task(ignore_result=True)
def purge_sent_emails() -> int:
    return mail.purge_sent_emails()
