"""Celery tasks of the projects app: thin wrappers around one function each."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def purge_unconfirmed_imports() -> int:
    """Delete import files that were checked more than a day ago and never confirmed."""
    from projects.imports import purge_unconfirmed_files

    return purge_unconfirmed_files()
