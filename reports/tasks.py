"""Celery tasks of the reports: thin, they take ids and call one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from reports import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def run_report(run_id: int) -> str:
    return services.report_execute(run_id)


@shared_task(bind=True, acks_late=True)
def scheduled_report(
    self: Any,
    kind: str,
    parameters: dict[str, Any] | None = None,
    format: str = "pdf",
    notify_officials: bool = True,
) -> int:
    """Run a report from a schedule (django-celery-beat) and tell the officials when it is ready.

    A schedule's keyword arguments name the report rather than a row: the service records
    the run, makes it and queues the e-mails, once per period of the periodic task (beat
    names it in the message's headers), however often the message comes.
    """
    from reports.periodic import periodic_report_run

    request = self.request
    task_name = getattr(request, "periodic_task_name", None) or (
        (getattr(request, "headers", None) or {}).get("periodic_task_name")
    )
    return periodic_report_run(
        kind=kind,
        parameters=parameters or {},
        format=format,
        notify_officials=notify_officials,
        task_name=task_name,
        message_id=None if request.called_directly else request.id,
    ).pk


@shared_task(acks_late=True)
def run_report_schedules() -> list[int]:
    """Make the officials' schedules that are due (from beat, every few minutes).

    Safe to run twice or in two beats at once: each period of a schedule is made once
    (``reports.schedules``).
    """
    from reports.schedules import report_schedules_run_due

    return report_schedules_run_due()
