"""Request and run reports. Runs are claimed with conditional UPDATEs, so a duplicate task
delivery is harmless and a run whose worker died is taken over, never written twice.

A queued run is a row of the outbox (``cooperation.outbox.dispatch``): handed to a worker after
commit, and by the sweep if the broker lost it or its worker died."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.outbox import dispatch
from cooperation.roles import is_official, is_programme_admin
from reports import sql
from reports.kinds.registry import get_kind
from reports.models import ReportRun, report_storage
from reports.writers import WRITERS, Header, extension

logger = logging.getLogger(__name__)


def can_use_reports(user: Any) -> bool:
    """Only the programme's officials and administrators request and download reports."""
    return is_programme_admin(user) or is_official(user)


def report_permission(*, actor: Any, kind: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Refuse a report the actor may not run; return its cleaned parameters.

    The one rule for running a report, asked by a request, a retry's caller, a schedule when it
    is saved and again each time it falls due: a person must be an official or an
    administrator (``actor`` None is the programme's own schedules), the kind must exist and
    its form must accept the parameters. Officials of either city run every kind for both
    cities and each one: the programme's figures are joint (the MoU).
    """
    if actor is not None and not can_use_reports(actor):
        raise PermissionDenied(_("Only programme officials may request reports."))
    return get_kind(kind).clean_parameters(parameters)


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
    notify_officials: bool = False,
    report_schedule: Any = None,
    period: Any = None,
) -> ReportRun:
    """Queue a report; the worker starts it once this transaction commits.

    The run is the outbox row: if the broker misses the hand-over, the sweep makes it. A run
    of an official's schedule carries the schedule and its period, unique together.
    """
    cleaned = report_permission(actor=actor, kind=kind, parameters=parameters)
    if format not in ReportRun.Format.values:
        raise ValidationError({"format": _("Choose CSV, XLSX or PDF.")}, code="unknown_format")
    run = ReportRun.objects.create(
        kind=kind,
        parameters=cleaned,
        format=format,
        requested_by=actor,
        schedule=schedule,
        notify_officials=notify_officials,
        report_schedule=report_schedule,
        period=period,
    )
    if enqueue:
        dispatch.dispatch("report", [run.pk])
    return run


def report_retry(*, actor: Any, run_id: int) -> ReportRun:
    """Queue a failed run again, with the same kind, parameters and format."""
    if not can_use_reports(actor):
        raise PermissionDenied(_("Only programme officials may retry reports."))
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.state != ReportRun.State.FAILED:
            raise ValidationError(
                _("Only a failed report can be retried; this one is “%(state)s”.")
                % {"state": run.get_state_display()},
                code="not_failed",
            )
        run.state = ReportRun.State.QUEUED
        run.progress = 0
        run.rows = 0
        run.error = ""
        run.finished_at = None
        run.save(update_fields=["state", "progress", "rows", "error", "finished_at"])
        dispatch.dispatch("report", [run.pk])
    return run


def report_claim(run_id: int) -> ReportRun | None:
    """Take a queued run, or a running one whose worker stopped beating; else None.

    Each claim raises ``attempts``: it is the fencing token of the attempt, which writes its
    progress, its file and its outcome only while the run still carries its number.
    """
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
    return ReportRun.objects.select_related("requested_by").get(pk=run_id) if claimed else None


class Superseded(Exception):
    """Another worker took the run over: this attempt must stop and leave no trace."""


# The share of the progress bar for the statements; the rest is for writing the file.
QUERY_SHARE = 80
# Of the writing of a PDF, the share of reading its rows (the rest: laying out its pages).
PDF_ROWS_SHARE = 0.2


class _Progress:
    """What an attempt has done so far, kept in memory by the report and written by the
    heartbeat (``_Heartbeat``) on a connection of its own, so that it shows while the report's
    statements run inside their read-only transaction."""

    def __init__(self, tables: int) -> None:
        self.tables = max(tables, 1)
        self.queried = 0
        self.total = 0
        self.rows = 0
        self.writing = False
        self.laid_out: float | None = None  # a PDF's share of its pages laid out, once known
        self.superseded = threading.Event()

    @property
    def percent(self) -> int:
        if not self.writing:
            return QUERY_SHARE * self.queried // self.tables
        rows = self.rows / max(self.total, 1)
        if self.laid_out is None:
            done = rows
        else:  # a PDF: reading its rows is quick, laying its pages out is the long part
            done = PDF_ROWS_SHARE * rows + (1 - PDF_ROWS_SHARE) * self.laid_out
        return min(99, QUERY_SHARE + int((99 - QUERY_SHARE) * done))

    def layout(self, fraction: float) -> None:
        self.laid_out = fraction

    def check(self) -> None:
        if self.superseded.is_set():
            raise Superseded

    def tick(self) -> None:
        self.rows += 1
        if self.rows % 500 == 0:
            self.check()


class _Heartbeat(threading.Thread):
    """Write the run's progress and heartbeat every few seconds while the attempt lives.

    It beats during a long statement too, so a live run is never taken over, and it notices
    when the run no longer carries this attempt's number (taken over after a pause).
    """

    def __init__(self, run: ReportRun, progress: _Progress) -> None:
        super().__init__(name=f"report-{run.pk}-heartbeat", daemon=True)
        self.run_id, self.attempt, self.progress = run.pk, run.attempts, progress
        self.interval = min(2.0, settings.REPORT_STALE_SECONDS / 5)
        self.stopped = threading.Event()

    def beat(self) -> None:
        mine = ReportRun.objects.filter(
            pk=self.run_id, state=ReportRun.State.RUNNING, attempts=self.attempt
        )
        if mine.update(
            progress=self.progress.percent, rows=self.progress.rows, heartbeat_at=timezone.now()
        ):
            return
        # A run this connection cannot see at all is still being created (tests wrap it in a
        # transaction); a run it sees with another attempt, or finished, is no longer ours.
        if ReportRun.objects.filter(pk=self.run_id).exists():
            self.progress.superseded.set()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.beat()
                except DatabaseError:
                    logger.warning("Heartbeat of report run %s failed", self.run_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


def _storage_message(error: OSError) -> str:
    return _(
        "The report file could not be written in the reports folder (REPORTS_ROOT): %(error)s"
    ) % {"error": f"{type(error).__name__}: {error}"}


def report_execute(run_id: int) -> str:
    """Claim the run, write its file and record the outcome; return what happened.

    The statements run in one read-only transaction (a consistent snapshot of every table,
    and server-side cursors that fetch as they go); the file is written under a temporary
    name of this attempt and renamed, under the run's row lock, only if the run still
    carries this attempt's number, so a superseded attempt never replaces a newer file.
    """
    run = report_claim(run_id)
    if run is None:
        return "skipped"
    mine = ReportRun.objects.filter(pk=run.pk, state=ReportRun.State.RUNNING, attempts=run.attempts)
    # The file is written locally, then handed to the "reports" storage (a shared folder or
    # an object store) that every web node reads.
    scratch = Path(settings.REPORTS_SCRATCH_ROOT or Path(settings.REPORTS_ROOT) / "tmp")
    language = getattr(run.requested_by, "language", None) or settings.LANGUAGE_CODE
    temporary: Path | None = None
    heartbeat: _Heartbeat | None = None
    try:
        with translation.override(language):
            report = get_kind(run.kind)
            name = f"{run.kind}-{run.pk}.{{}}"
            scratch.mkdir(parents=True, exist_ok=True)
            _remove_earlier_attempts(scratch, run)
            using = report_database()
            with _read_snapshot(using):
                tables = report.tables(run.parameters, using=using)
                progress = _Progress(len(tables))
                heartbeat = _Heartbeat(run, progress)
                heartbeat.start()
                with sql.on_chunk(progress.check):
                    for table in tables:
                        progress.total += table.count()
                        progress.queried += 1
                    progress.writing = True
                    header = Header(
                        title=str(report.title),
                        parameters=report.describe(run.parameters),
                        notes=[str(note) for table in tables for note in table.notes],
                        generated_at=timezone.localtime(),
                    )
                    name = name.format(extension(run.format, len(tables)))
                    temporary = scratch / f"{name}.{run.attempts}.{socket.gethostname()}.part"
                    if run.format == ReportRun.Format.PDF:
                        progress.laid_out = 0.0
                    WRITERS[run.format](
                        tables, header, temporary, progress.tick, layout=progress.layout
                    )
            heartbeat.stop()
            progress.check()
            with transaction.atomic():
                if mine.select_for_update().first() is None:
                    raise Superseded
                # Under the row lock: no other attempt can take the run over until this
                # commits, so the file stored is the one of the attempt the run records. The
                # storage replaces an earlier file of the same name whole (never half-written).
                with temporary.open("rb") as handle:
                    name = report_storage.save(name, File(handle, name=name))
                mine.update(
                    state=ReportRun.State.SUCCEEDED,
                    progress=100,
                    rows=progress.rows,
                    file=name,
                    finished_at=timezone.now(),
                    heartbeat_at=timezone.now(),
                )
                if run.notify_officials:
                    _tell_officials(run)
                if run.report_schedule_id and run.requested_by is not None:
                    _tell_owner(run)
        return "succeeded"
    except Superseded:
        logger.warning(
            "Report run %s: attempt %s was taken over by another worker and stops",
            run.pk,
            run.attempts,
        )
        return "superseded"
    except Exception as error:
        logger.exception("Report run %s failed", run.pk)
        with translation.override(language):
            message = (
                _storage_message(error)
                if isinstance(error, OSError)
                else f"{type(error).__name__}: {error}"
            )
        try:
            mine.update(
                state=ReportRun.State.FAILED, error=message[:4000], finished_at=timezone.now()
            )
        except DatabaseError:
            # The database itself is gone: the run stays "running" without a heartbeat, and
            # the sweep hands it to another worker once it answers again.
            logger.exception("Report run %s: its failure could not be recorded", run.pk)
        raise
    finally:
        if heartbeat is not None and heartbeat.is_alive():
            heartbeat.stop()
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _remove_earlier_attempts(folder: Path, run: ReportRun) -> None:
    """Delete what killed attempts of this run left half-written (``<name>.<attempt>.…part``).

    A paused attempt that resumes later finds its file gone; it could not have used it: the
    run no longer carries its number.
    """
    for leftover in folder.glob(f"{run.kind}-{run.pk}.*.part"):
        parts = leftover.name.split(".")
        if len(parts) > 3 and parts[2].isdigit() and int(parts[2]) < run.attempts:
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _read_snapshot(using: str) -> Iterator[None]:
    """Read every table of a report from one snapshot, through server-side cursors."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost:  # inside a caller's transaction (tests), its snapshot is the one
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _tell_officials(run: ReportRun) -> None:
    from cooperation.models import User
    from cooperation.notifications import notify

    run.refresh_from_db()
    notify(
        recipients=User.objects.officials(),
        template="reports/email/ready",
        context={"site_url": settings.SITE_URL},
        objects={"run": run},
    )


def _tell_owner(run: ReportRun) -> None:
    """Tell the official whose schedule made the run that it is ready, in their language."""
    from cooperation.notifications import notify

    notify(
        recipients=[run.requested_by],
        template="reports/email/ready",
        context={"site_url": settings.SITE_URL},
        objects={"run": run},
    )


def stale_runs() -> list[int]:
    """Return the runs whose worker stopped beating (it died, or was killed)."""
    stale = timezone.now() - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    return list(
        ReportRun.objects.filter(state=ReportRun.State.RUNNING, heartbeat_at__lt=stale).values_list(
            "pk", flat=True
        )
    )


def due_runs(now: datetime) -> list[int]:
    """The runs the sweep hands over: queued past the grace period, or whose worker died."""
    stale = now - timedelta(seconds=settings.REPORT_STALE_SECONDS)
    return list(
        ReportRun.objects.filter(
            Q(state=ReportRun.State.QUEUED, created_at__lte=now - dispatch.grace())
            | Q(state=ReportRun.State.RUNNING, heartbeat_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_BATCH]
    )
