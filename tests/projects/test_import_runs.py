"""Large imports run in a worker, with progress, all rows or none (issue 11), through the same
service as every other import path (issue 10): the admin, the command and the demo data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from cooperation.api.models import WebhookDelivery
from projects import import_runs, imports
from projects.imports import COLUMNS
from projects.models import JointProject, Participation, ProjectEvent, ProjectImport
from projects.tasks import purge_unconfirmed_imports, recover_stale_imports
from tests.factories import InstitutionFactory

IMPORT_URL = "/admin/projects/jointproject/import/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_institutions(cdmx, bcn):
    InstitutionFactory(code="UNAM", party=cdmx)
    InstitutionFactory(code="UPC", party=bcn)


@pytest.fixture
def media(settings, tmp_path):
    settings.IMPORTS_ROOT = tmp_path
    return tmp_path


def rows_csv(count: int, *, year: int = 2019, status: str = "completed") -> bytes:
    """Return a valid file of ``count`` historical projects, numbered from 1 in ``year``."""
    lines = [",".join(COLUMNS)]
    for number in range(1, count + 1):
        values = dict.fromkeys(COLUMNS, "")
        values.update(
            code=f"CDMX-BCN-{year}-{number:04d}",
            title_es=f"Proyecto histórico {number}",
            primary_area="URBAN_WATER",
            status=status,
            start_date=f"{year}-01-01",
            end_date=f"{year + 1}-01-01",
            public="yes",
            lead_institution="UNAM",
            partner_institutions="UPC",
        )
        lines.append(",".join(values[c] for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode()


def _store(data: bytes) -> str:
    from django.core.files.base import ContentFile

    from projects.imports import import_storage

    name = import_storage.save(f"{imports.STORAGE_FOLDER}/{'a' * 20}0001.csv", ContentFile(data))
    return name.split("/", 1)[1]


def _written() -> dict[str, int]:
    return {
        "projects": JointProject.objects.count(),
        "participations": Participation.objects.count(),
        "timeline": ProjectEvent.objects.count(),
        "history": JointProject.history.count() + Participation.history.count(),
        "webhooks": WebhookDelivery.objects.count(),
    }


NOTHING = {"projects": 0, "participations": 0, "timeline": 0, "history": 0, "webhooks": 0}


@pytest.mark.django_db
def test_admin_confirm_queues_a_run_that_a_worker_writes_and_the_page_follows(
    demo_institutions, official_cdmx, login, media, django_capture_on_commit_callbacks
):
    client = login(official_cdmx)
    preview = client.post(IMPORT_URL, {"file": SimpleUploadedFile("archivo.csv", rows_csv(3))})
    assert b"3 projects are ready to import" in preview.content
    form = preview.context["form"]
    assert JointProject.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            IMPORT_URL,
            {"token": form.initial["token"], "name": form.initial["name"], "confirm": "on"},
        )
    run = ProjectImport.objects.get()
    assert done["Location"] == f"/admin/projects/projectimport/{run.pk}/change/"
    assert (run.state, run.imported, run.requested_by) == ("succeeded", 3, official_cdmx)
    assert JointProject.objects.count() == 3
    # Every imported project's status has its timeline row, naming the official.
    event = ProjectEvent.objects.get(project__code="CDMX-BCN-2019-0002")
    assert (event.actor, event.from_status, event.to_status) == (official_cdmx, "", "completed")
    # Stored as a message with the line, read in the reader's language.
    assert (event.note_key, event.note_params, event.note) == ("imported", {"line": 3}, "")
    with translation.override("es"):
        assert event.message == "Importado de un archivo (línea 3)."
    assert list(media.joinpath("project-imports").iterdir()) == []
    page = client.get(done["Location"])
    content = page.content.decode()
    assert "archivo.csv" in content and 'class="import-progress"' in content
    assert "/static/projects/import-progress.js" in content
    assert "<script>" not in content  # CSP: no inline script
    progress = client.get(f"/admin/projects/projectimport/{run.pk}/progress/").json()
    assert progress == {
        "state": "succeeded",
        "state_label": "Succeeded",
        "progress": 100,
        "rows_done": 3,
        "rows_total": 3,
    }


@pytest.mark.django_db
def test_an_official_sees_only_their_own_imports(official_cdmx, official_bcn, login, media):
    run = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(1)))
    url = f"/admin/projects/projectimport/{run.pk}/change/"
    assert login(official_cdmx).get(url).status_code == 200
    other = login(official_bcn)
    assert other.get(url).status_code == 302  # "does not exist": back to the admin index
    assert other.get(f"/admin/projects/projectimport/{run.pk}/progress/").status_code == 404
    assert other.post("/admin/projects/projectimport/add/").status_code == 403


@pytest.mark.django_db
def test_rows_that_went_bad_since_the_dry_run_are_listed_and_nothing_is_written(
    demo_institutions, official_cdmx, login, media
):
    run = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(3)))
    # Meanwhile, someone created a project with the code of the file's second row.
    from tests.projects.factories import ProjectFactory

    ProjectFactory(code="CDMX-BCN-2019-0002")
    assert import_runs.import_execute(run.pk) == "failed"
    run.refresh_from_db()
    assert run.state == "failed"
    # In the official's language (Spanish, the default), as the page shows it.
    reason = "Ya existe un proyecto con el código CDMX-BCN-2019-0002."
    assert run.row_errors == [{"line": 3, "reason": reason}]
    assert JointProject.objects.count() == 1
    page = login(official_cdmx).get(f"/admin/projects/projectimport/{run.pk}/change/")
    assert reason in page.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failure_in_the_middle_of_an_import_leaves_no_row_written(
    demo_institutions, official_cdmx, media, monkeypatch
):
    run = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(40)))
    real = imports.project_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 25:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(imports, "project_create", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        import_runs.import_execute(run.pk)
    run.refresh_from_db()
    assert (run.state, run.error) == ("failed", "RuntimeError: disk full")
    assert len(calls) == 25  # 24 projects were written inside the transaction, then undone
    assert _written() == NOTHING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_superseded_attempt_rolls_its_rows_back(demo_institutions, official_cdmx, media):
    run = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(5)))
    real_progress = import_runs._Heartbeat.tick

    def taken_over(self, done):
        real_progress(self, done)
        if done == 3:  # another worker takes the run over while this one writes
            ProjectImport.objects.filter(pk=run.pk).update(attempts=run.attempts + 5)

    import_runs._Heartbeat.tick = taken_over  # type: ignore[method-assign]
    try:
        assert import_runs.import_execute(run.pk) == "superseded"
    finally:
        import_runs._Heartbeat.tick = real_progress  # type: ignore[method-assign]
    assert _written() == NOTHING


@pytest.mark.django_db
def test_a_duplicate_task_delivery_does_nothing(demo_institutions, official_cdmx, media):
    run = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(2)))
    assert import_runs.import_execute(run.pk) == "succeeded"
    assert import_runs.import_execute(run.pk) == "skipped"
    assert JointProject.objects.count() == 2


@pytest.mark.django_db
def test_beat_hands_stale_and_lost_runs_to_a_worker(
    demo_institutions, official_cdmx, media, settings
):
    lost = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(1)))
    long_ago = timezone.now() - timedelta(seconds=settings.PROJECT_IMPORT_STALE_SECONDS + 5)
    ProjectImport.objects.filter(pk=lost.pk).update(created_at=long_ago)
    fresh = import_runs.import_request(actor=official_cdmx, file_name=lost.file_name)
    assert import_runs.stale_imports() == [lost.pk]
    assert recover_stale_imports() == 1  # eager in tests: the worker runs it now
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.state, fresh.state) == ("succeeded", "queued")


@pytest.mark.django_db
def test_the_purge_keeps_the_file_of_a_queued_import(official_cdmx, media):
    name = _store(rows_csv(1))
    import_runs.import_request(actor=official_cdmx, file_name=name)
    path = media / "project-imports" / name
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))
    assert purge_unconfirmed_imports() == 0
    assert path.exists()


def _database_url() -> str:
    """Return DATABASE_URL naming the test database (the one this test writes to)."""
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_leaves_nothing_and_another_worker_imports_it_all(
    demo_institutions, official_cdmx, media, settings
):
    """A real process writes the import and is killed (SIGKILL) while its rows are half done."""
    count = 1000
    run = import_runs.import_request(actor=official_cdmx, file_name=_store(rows_csv(count)))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "IMPORTS_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    script = (
        "import django; django.setup(); "
        "from projects.import_runs import import_execute; "
        f"import_execute({run.pk})"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.rows_done >= 50:
                break
            assert worker.poll() is None, "the worker ended before it could be killed"
            time.sleep(0.1)
        assert 50 <= run.rows_done < count, run.rows_done
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    # PostgreSQL rolls the dead worker's transaction back once it sees its connections close.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.1)
    assert _written() == NOTHING
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("running", 1)
    # No heartbeat any more: beat hands the run to another worker, which imports every row.
    settings.PROJECT_IMPORT_STALE_SECONDS = 0
    assert recover_stale_imports() == 1
    run.refresh_from_db()
    assert (run.state, run.attempts, run.imported) == ("succeeded", 2, count)
    assert JointProject.objects.count() == count
    assert ProjectEvent.objects.count() == count
