"""Run a confirmed import of historical projects in a worker, all rows or none, with progress.

A run is claimed with a conditional UPDATE (a duplicate task delivery does nothing), checks the
stored file again (the data may have changed since the official's dry run), then writes every
row through ``projects.imports.import_projects`` in ONE transaction. The success is recorded by
an UPDATE inside that same transaction, fenced by the attempt number: a worker killed halfway
commits nothing, and a superseded attempt (its run taken over by another worker) rolls its rows
back. Progress and the heartbeat are written from a connection of their own, outside the
import's transaction, so that the page shows them while the rows are written.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.models import User
from projects.imports import (
    STORAGE_FOLDER,
    STORED_NAME,
    import_projects,
    import_storage,
    read_projects,
)
from projects.models import ProjectImport
from projects.services.lifecycle import check_may_add_projects

logger = logging.getLogger(__name__)
State = ProjectImport.State


class Superseded(Exception):
    """Another attempt took the run over: this one's rows are rolled back."""


def import_request(*, actor: User | None, file_name: str, original_name: str = "") -> ProjectImport:
    """Queue the import of a checked file; the caller enqueues the task once this commits.

    ``actor`` None is the server's operator (the ``import_projects`` command).
    """
    check_may_add_projects(actor)
    if not STORED_NAME.fullmatch(file_name):
        raise ValidationError(_("The checked file has expired; upload it again."))
    return ProjectImport.objects.create(
        file_name=file_name, original_name=original_name[:255], requested_by=actor
    )


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.PROJECT_IMPORT_STALE_SECONDS)


def import_claim(run_id: int) -> ProjectImport | None:
    """Take a queued run, or a running one whose worker stopped beating; else None."""
    now = timezone.now()
    claimed = (
        ProjectImport.objects.filter(pk=run_id)
        .filter(Q(state=State.QUEUED) | Q(state=State.RUNNING, heartbeat_at__lt=_stale_before()))
        .update(
            state=State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            progress=0,
            rows_done=0,
            row_errors=[],
            error="",
        )
    )
    if not claimed:
        return None
    return ProjectImport.objects.select_related("requested_by").get(pk=run_id)


class _Heartbeat:
    """Write a run's progress from a connection of its own, at most twice a second.

    The import's own transaction shows nothing to others until it commits; these writes are
    committed at once, and they are the heartbeat that tells a live run from a dead one.
    """

    def __init__(self, run: ProjectImport, total: int) -> None:
        self.run = run
        self.total = max(total, 1)
        self.last = 0.0
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def tick(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            self.save(done)

    def save(self, done: int) -> None:
        table = ProjectImport._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, rows_done = %s, heartbeat_at = %s "  # noqa: S608 (table name from Meta)
                "WHERE id = %s AND state = %s AND attempts = %s",
                [
                    min(99, done * 100 // self.total),
                    done,
                    timezone.now(),
                    self.run.pk,
                    State.RUNNING,
                    self.run.attempts,
                ],
            )

    def close(self) -> None:
        self.connection.close()


def _finish(mine: Any, **fields: Any) -> int:
    return int(mine.update(finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields))


def import_execute(run_id: int) -> str:
    """Claim the run, check its file again, write every row or none; return what happened."""
    run = import_claim(run_id)
    if run is None:
        return "skipped"
    mine = ProjectImport.objects.filter(pk=run.pk, state=State.RUNNING, attempts=run.attempts)
    actor = run.requested_by
    stored = f"{STORAGE_FOLDER}/{run.file_name}"
    language = getattr(actor, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            with import_storage.open(stored, "rb") as handle:
                result = read_projects(run.file_name, handle, actor=actor)
        except FileNotFoundError:
            _finish(mine, state=State.FAILED, error=_("The checked file is no longer there."))
            return "failed"
        if not result.ok:
            errors = [{"line": e.line, "reason": e.reason} for e in result.errors]
            reason = result.file_error or _("The file has errors: nothing was imported.")
            if _finish(mine, state=State.FAILED, row_errors=errors, error=reason):
                import_storage.delete(stored)
            return "failed"
        mine.update(rows_total=len(result.rows), heartbeat_at=timezone.now())
        heartbeat = _Heartbeat(run, len(result.rows))
        try:
            with transaction.atomic():
                count = import_projects(result, actor=actor, progress=heartbeat.tick)
                # The success commits with the rows, or neither does.
                if not _finish(
                    mine,
                    state=State.SUCCEEDED,
                    progress=100,
                    rows_done=count,
                    imported=count,
                ):
                    raise Superseded
        except Superseded:
            logger.warning(
                "Project import %s was taken over; attempt %s rolled back", run.pk, run.attempts
            )
            return "superseded"
        except ValidationError as error:
            if _finish(mine, state=State.FAILED, error=" ".join(error.messages)[:4000]):
                import_storage.delete(stored)
            return "failed"
        except Exception as error:
            logger.exception("Project import %s failed", run.pk)
            _finish(mine, state=State.FAILED, error=f"{type(error).__name__}: {error}"[:4000])
            raise
        finally:
            heartbeat.close()
    import_storage.delete(stored)
    return "succeeded"


def stale_imports() -> list[int]:
    """Return the runs to hand to a worker again: a dead worker's, or one lost with the broker."""
    return list(
        ProjectImport.objects.filter(
            Q(state=State.RUNNING, heartbeat_at__lt=_stale_before())
            | Q(state=State.QUEUED, created_at__lt=_stale_before())
        ).values_list("pk", flat=True)
    )


def pending_files() -> set[str]:
    """Return the stored files that a queued or running import still needs."""
    return set(
        ProjectImport.objects.filter(state__in=[State.QUEUED, State.RUNNING]).values_list(
            "file_name", flat=True
        )
    )
