"""Request and run reports. Runs are claimed with conditional UPDATEs, so a duplicate task
delivery is harmless and a run whose worker died is taken over, never written twice."""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.roles import is_official, is_programme_admin
from reports.kinds import get_kind
from reports.models import ReportRun
from reports.writers import WRITERS, Header, extension

logger = logging.getLogger(__name__)


def can_use_reports(user: Any) -> bool:
    """Only the programme's officials and administrators request and download reports."""
    return is_programme_admin(user) or is_official(user)


def report_database() -> str:
    """Reports read from the replica when DATABASE_REPLICA_URL is set."""
    return "replica" if "replica" in settings.DATABASES else "default"


def report_request(
    *,
    actor: Any,
    kind: str,
    parameters: dict[str, Any],
    format: str,
    schedule: str = "",
    enqueue: bool = True,
) -> ReportRun:
    """Queue a report; the worker starts it once this transaction commits."""
    if actor is not None and not can_use_reports(actor):
        raise PermissionDenied(_("Only programme officials may request reports."))
    if format not in ReportRun.Format.values:
        raise ValidationError({"format": _("Choose CSV, XLSX or PDF.")}, code="unknown_format")
    report = get_kind(kind)
    cleaned = report.clean_parameters(parameters)
    run = ReportRun.objects.create(
        kind=kind,
        parameters=cleaned,
        format=format,
        requested_by=actor,
        schedule=schedule,
    )
    if enqueue:
        from reports.tasks import run_report

        transaction.on_commit(lambda: run_report.delay(run.pk))
    return run


def report_claim(run_id: int) -> ReportRun | None:
    """Take a queued run, or a running one whose worker stopped beating; else None."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    claimed = (
        ReportRun.objects.filter(pk=run_id)
        .filter(
            Q(state=ReportRun.State.QUEUED)
            | Q(state=ReportRun.State.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            state=ReportRun.State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            progress=0,
            rows=0,
            error="",
        )
    )
    return ReportRun.objects.get(pk=run_id) if claimed else None


class _Progress:
    """Write progress at most twice a second; each write is also the run's heartbeat."""

    def __init__(self, run: ReportRun, total: int) -> None:
        self.run = run
        self.total = max(total, 1)
        self.rows = 0
        self.last = 0.0

    def tick(self) -> None:
        self.rows += 1
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            self.save()

    def save(self) -> None:
        ReportRun.objects.filter(
            pk=self.run.pk, state=ReportRun.State.RUNNING, attempts=self.run.attempts
        ).update(
            progress=min(99, self.rows * 100 // self.total),
            rows=self.rows,
            heartbeat_at=timezone.now(),
        )


def report_execute(run_id: int) -> str:
    """Claim the run, write its file and record the outcome; return what happened."""
    run = report_claim(run_id)
    if run is None:
        return "skipped"
    mine = ReportRun.objects.filter(pk=run.pk, state=ReportRun.State.RUNNING, attempts=run.attempts)
    root = Path(settings.REPORTS_ROOT)
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    language = getattr(run.requested_by, "language", None) or settings.LANGUAGE_CODE
    temporary: Path | None = None
    try:
        with translation.override(language):
            report = get_kind(run.kind)
            tables = report.tables(run.parameters, using=report_database())
            progress = _Progress(run, sum(table.count() for table in tables))
            header = Header(
                title=str(report.title),
                parameters=report.describe(run.parameters),
                notes=[str(note) for table in tables for note in table.notes],
                generated_at=timezone.localtime(),
            )
            name = f"{run.kind}-{run.pk}.{extension(run.format, len(tables))}"
            temporary = root / "tmp" / f"{name}.{run.attempts}.{socket.gethostname()}.part"
            WRITERS[run.format](tables, header, temporary, progress.tick)
        os.replace(temporary, root / name)  # atomic: no half-written file is ever served
        finished = mine.update(
            state=ReportRun.State.SUCCEEDED,
            progress=100,
            rows=progress.rows,
            file=name,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        return "succeeded" if finished else "superseded"
    except Exception as error:
        logger.exception("Report run %s failed", run.pk)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        mine.update(
            state=ReportRun.State.FAILED,
            error=f"{type(error).__name__}: {error}"[:4000],
            finished_at=timezone.now(),
        )
        raise


def stale_runs() -> list[int]:
    """Return the runs whose worker stopped beating (it died, or was killed)."""
    stale = timezone.now() - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    return list(
        ReportRun.objects.filter(state=ReportRun.State.RUNNING, heartbeat_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
