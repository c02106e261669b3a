"""Celery tasks of the projects app: thin wrappers around one function each."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from projects import import_runs


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def run_import(run_id: int) -> str:
    """Write a confirmed import of historical projects (all rows or none)."""
    return import_runs.import_execute(run_id)


@shared_task
def recover_stale_imports() -> int:
    """Queue again the imports whose worker died or whose task the broker lost.

    The outbox's minute sweep does the same for every kind; this hands over imports alone.
    """
    from cooperation.outbox import dispatch

    return dispatch.sweep(["project_import"])["project_import"]


@shared_task(acks_late=True)
def purge_unconfirmed_imports() -> int:
    """Delete import files that were checked more than a day ago and never confirmed."""
    from projects.imports import purge_unconfirmed_files

    return purge_unconfirmed_files(keep=frozenset(import_runs.pending_files()))
