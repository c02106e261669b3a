"""Report runs that survive what workers and disks do: takeovers, storage errors, retries,
and long statements that must not look like a dead worker."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from reports import services
from reports.kinds.base import Column, Table
from reports.kinds.registry import REGISTRY
from reports.models import ReportRun
from tests.factories import InstitutionFactory


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _request(actor, fmt="csv"):
    return services.report_request(
        actor=actor, kind="institutions", parameters={}, format=fmt, enqueue=False
    )


def _digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.django_db
def test_a_superseded_attempt_that_resumes_leaves_the_succeeded_file_untouched(
    official_cdmx, cdmx, settings, monkeypatch
):
    for number in range(3):
        InstitutionFactory(code=f"I{number}", party=cdmx)
    run = _request(official_cdmx)
    original_tick = services._Progress.tick
    state: dict[str, object] = {}

    def paused_then_taken_over(self):
        # Attempt 1 stops here (a long GC pause, a frozen VM); its heartbeat goes stale and
        # another worker takes the run over and finishes it.
        if not state:
            state["paused"] = True
            ReportRun.objects.filter(pk=run.pk).update(
                heartbeat_at=timezone.now() - timedelta(seconds=settings.REPORT_STALE_SECONDS + 1)
            )
            state["second"] = services.report_execute(run.pk)
            done = ReportRun.objects.get(pk=run.pk)
            state["file"] = done.file.path
            state["digest"] = _digest(done.file.path)
            state["mtime"] = (settings.REPORTS_ROOT / done.file.name).stat().st_mtime_ns
        original_tick(self)

    monkeypatch.setattr(services._Progress, "tick", paused_then_taken_over)
    assert services.report_execute(run.pk) == "superseded"  # attempt 1 resumes, then stops
    assert state["second"] == "succeeded"
    run.refresh_from_db()
    assert (run.state, run.attempts) == (ReportRun.State.SUCCEEDED, 2)
    assert run.file.path == state["file"]
    assert _digest(run.file.path) == state["digest"]
    assert (settings.REPORTS_ROOT / run.file.name).stat().st_mtime_ns == state["mtime"]
    assert list((settings.REPORTS_ROOT / "tmp").iterdir()) == []  # attempt 1 left nothing
    assert [p.name for p in settings.REPORTS_ROOT.iterdir() if p.is_file()] == [run.file.name]


@pytest.mark.django_db
def test_an_unwritable_reports_folder_fails_the_run_with_a_clear_message(
    official_cdmx, settings, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.REPORTS_ROOT = blocker / "reports"
    official_cdmx.language = "en"
    official_cdmx.save()
    run = _request(official_cdmx)
    with pytest.raises(OSError):
        services.report_execute(run.pk)
    run.refresh_from_db()
    assert run.state == ReportRun.State.FAILED
    assert run.finished_at is not None
    assert run.error.startswith(
        "The report file could not be written in the reports folder (REPORTS_ROOT): "
        "NotADirectoryError"
    )


@pytest.mark.django_db
def test_officials_retry_a_failed_run_from_the_admin(
    official_bcn, login, django_capture_on_commit_callbacks
):
    failed = _request(official_bcn)
    ReportRun.objects.filter(pk=failed.pk).update(
        state=ReportRun.State.FAILED, error="OSError: disk full", attempts=1
    )
    done = _request(official_bcn)
    ReportRun.objects.filter(pk=done.pk).update(state=ReportRun.State.SUCCEEDED)
    client = login(official_bcn)
    button = client.get(f"/admin/reports/reportrun/{failed.pk}/change/").content.decode()
    assert "Retry this report" in button
    assert f'name="_selected_action" value="{failed.pk}"' in button
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reports/reportrun/",
            {"action": "retry_runs", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "1 report queued again." in page
    finished = client.get(f"/admin/reports/reportrun/{done.pk}/change/").content.decode()
    assert "Retry this report" not in finished
    assert f"#{done.pk}: Only a failed report can be retried" in page
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.error) == (ReportRun.State.SUCCEEDED, 2, "")
    assert failed.file


@pytest.mark.django_db
def test_only_officials_may_retry(coordinator, official_cdmx):
    run = _request(official_cdmx)
    ReportRun.objects.filter(pk=run.pk).update(state=ReportRun.State.FAILED)
    with pytest.raises(services.PermissionDenied):
        services.report_retry(actor=coordinator, run_id=run.pk)
    assert ReportRun.objects.get(pk=run.pk).state == ReportRun.State.FAILED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_and_heartbeat_move_while_the_statements_run(official_cdmx, settings, monkeypatch):
    settings.REPORT_STALE_SECONDS = 10  # a beat every 2 s
    run = _request(official_cdmx)

    def slow_table(code: str) -> Table:
        def count() -> int:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(2.5)")  # a long aggregation
            return 1

        return Table(
            code=code,
            title=code,
            columns=[Column("n", "n", "int")],
            rows=lambda: iter([(1,)]),
            count=count,
        )

    monkeypatch.setattr(
        type(REGISTRY["institutions"]),
        "tables",
        lambda self, parameters, *, using: [slow_table("a"), slow_table("b")],
    )
    seen: list[tuple[int, object]] = []
    stop = threading.Event()

    def watch() -> None:
        from django.db import connections

        while not stop.is_set():
            seen.append(
                ReportRun.objects.filter(pk=run.pk).values_list("progress", "heartbeat_at").get()
            )
            time.sleep(0.2)
        connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert services.report_execute(run.pk) == "succeeded"
    finally:
        stop.set()
        watcher.join(10)
    beats = {beat for _progress, beat in seen}
    assert len(beats) >= 3  # the claim, then beats during the 5 s of statements
    assert {progress for progress, _beat in seen} & {40}  # one of two tables done


def test_a_pdf_shows_its_progress_while_its_pages_are_laid_out(official_cdmx, monkeypatch):
    """The bar moves between the rows read and the file done, as reportlab places blocks."""
    from reports import writers

    InstitutionFactory.create_batch(30)
    seen: list[int] = []
    real = writers.write_pdf

    def watched(tables, header, path, tick, layout=None):
        def layout_and_watch(fraction):
            layout(fraction)
            seen.append(progress.percent)

        real(tables, header, path, tick, layout=layout_and_watch)

    monkeypatch.setitem(writers.WRITERS, "pdf", watched)
    monkeypatch.setitem(services.WRITERS, "pdf", watched)
    made = []
    real_progress = services._Progress

    def recording(tables):
        made.append(real_progress(tables))
        return made[-1]

    monkeypatch.setattr(services, "_Progress", recording)
    run = services.report_request(
        actor=official_cdmx, kind="institutions", parameters={}, format="pdf", enqueue=False
    )
    progress = None

    def first_progress():
        return made[0]

    # The progress object exists once the run starts; read it through the list.
    class Late:
        @property
        def percent(self):
            return first_progress().percent

    progress = Late()
    assert services.report_execute(run.pk) == "succeeded"
    assert seen, "the PDF writer reported no layout progress"
    assert seen == sorted(seen)  # it only moves forward
    assert any(services.QUERY_SHARE < p < 99 for p in seen)  # strictly between, not 0 → 100
    assert seen[-1] == 99  # laid out; 100 is the run's success
