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


@shared_task
def recover_stale_reports() -> int:
    """Queue again the runs whose worker died; the claim lets exactly one worker take each."""
    runs = services.stale_runs()
    for run_id in runs:
        run_report.delay(run_id)
    return len(runs)


@shared_task(acks_late=True)
def scheduled_report(
    kind: str,
    parameters: dict[str, Any] | None = None,
    format: str = "pdf",
    notify_officials: bool = True,
) -> int:
    """Run a report from a schedule (django-celery-beat) and tell the officials when it is ready."""
    from cooperation.models import User
    from cooperation.notifications import notify
    from cooperation.roles import OFFICIAL_ROLES

    run = services.report_request(
        actor=None,
        kind=kind,
        parameters=parameters or {},
        format=format,
        schedule=kind,
        enqueue=False,  # this task runs it now
    )
    outcome = services.report_execute(run.pk)
    if outcome == "succeeded" and notify_officials:
        run.refresh_from_db()
        notify(
            recipients=User.objects.filter(
                is_active=True, groups__name__in=OFFICIAL_ROLES
            ).distinct(),
            template="reports/email/ready",
            context={"site_url": settings.SITE_URL},
            objects={"run": run},
        )
    return run.pk
