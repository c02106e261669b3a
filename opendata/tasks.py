"""Celery tasks of open data: thin, they call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from opendata import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def build_release(release_id: int) -> str:
    return services.release_execute(release_id)


@shared_task(acks_late=True)
def scheduled_release() -> int | None:
    """Queue today's release (the daily schedule); a second beat the same day does nothing."""
    release = services.release_schedule()
    return release.pk if release else None
