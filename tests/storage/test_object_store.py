"""Kept files in an S3-compatible object store: shared by web and worker nodes, private ones
served only through the permission-checking views (a real S3 server on loopback, moto)."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cooperation.storage import NoPublicUrl
from exchanges import services
from reports import services as report_services
from reports.models import ReportRun
from tests.factories import InstitutionFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_documents_are_uploaded_to_the_bucket_and_kept_off_the_disk(
    object_store, submitted, settings
):
    keys = object_store.names()
    documents = [key for key in keys if key.startswith("private/")]
    assert len(documents) == 3  # cv, motivation, invitation
    assert all(key.endswith(".pdf") for key in documents)
    assert not Path(settings.PRIVATE_MEDIA_ROOT).exists() or not any(
        Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf")
    )


def test_documents_are_downloaded_only_through_the_permission_check(
    object_store, submitted, login, new_researcher
):
    attachment = submitted.attachments.first()
    url = reverse("exchanges:attachment_download", args=[attachment.pk])
    own = login(submitted.researcher).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF-")
    assert own["Cache-Control"] == "private, no-store"
    assert login(new_researcher("other@example.org")).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    # No signed or public URL exists for a private kind: the view is the only way in.
    with pytest.raises(NoPublicUrl):
        attachment.file.url  # noqa: B018


def test_private_kinds_never_get_a_url_and_public_ones_do(object_store):
    for alias in ("private", "reports", "imports"):
        name = storages[alias].save("probe.txt", ContentFile(b"x"))
        with pytest.raises(NoPublicUrl):
            storages[alias].url(name)
    for alias in ("default", "opendata"):
        name = storages[alias].save("probe.txt", ContentFile(b"x"))
        assert storages[alias].url(name).startswith(object_store.endpoint)


def test_retention_purge_deletes_the_documents_from_the_bucket(
    object_store, submitted, settings, django_capture_on_commit_callbacks
):
    from exchanges.tasks import purge_stay_documents

    settings.STAY_DOCUMENT_RETENTION_DAYS = 30
    services.application_withdraw(actor=submitted.researcher, application_id=submitted.pk)
    submitted.events.update(at=timezone.now() - datetime.timedelta(days=31))
    assert len([k for k in object_store.names() if k.startswith("private/")]) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_stay_documents() == 3
    assert [k for k in object_store.names() if k.startswith("private/")] == []


def _database_url() -> str:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_written_by_a_worker_process_is_downloaded_by_the_web_process(
    object_store, official_cdmx, cdmx, bcn, login, tmp_path, settings
):
    InstitutionFactory(code="U1", party=cdmx, kind="university")
    InstitutionFactory(code="R1", party=bcn, kind="research_centre")
    run = report_services.report_request(
        actor=official_cdmx, kind="institutions", parameters={}, format="csv", enqueue=False
    )
    # The worker: another process, with its own (empty) local folders and only the object
    # store in common with this one.
    worker_var = tmp_path / "worker"
    env = {
        **os.environ,
        **object_store.env(),
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(worker_var),
        "REPORTS_ROOT": str(worker_var / "reports"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    script = (
        "import django; django.setup(); "
        "from reports.services import report_execute; "
        f"print(report_execute({run.pk}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("succeeded")
    run.refresh_from_db()
    assert run.state == ReportRun.State.SUCCEEDED
    assert f"reports/{run.file.name}" in object_store.names()
    # Nothing reached the worker's disk but its scratch folder, emptied.
    assert [p for p in (worker_var / "reports").rglob("*") if p.is_file()] == []

    settings.REPORTS_ROOT = tmp_path / "web-reports"  # the web node's own, empty folder
    response = login(official_cdmx).get(reverse("reports:download", args=[run.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert (
        body
        == object_store.client()
        .get_object(Bucket="portal-test", Key=f"{object_store.prefix}/reports/{run.file.name}")[
            "Body"
        ]
        .read()
    )
    with zipfile.ZipFile(io.BytesIO(body)) as archive:  # one CSV per table
        text = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    assert "U1" in text and "R1" in text
    assert login(official_cdmx).get(reverse("reports:download", args=[run.pk])).status_code == 200


def test_unconfirmed_import_files_are_purged_from_the_bucket(object_store):
    from projects.imports import STORAGE_FOLDER, import_storage, purge_unconfirmed_files

    names = ["A" * 24 + ".csv", "B" * 24 + ".xlsx", "C" * 24 + ".csv"]
    for name in [*names, "notes.txt"]:
        import_storage.save(f"{STORAGE_FOLDER}/{name}", ContentFile(b"code\n"))
    assert len([k for k in object_store.names() if k.startswith("imports/")]) == 4
    # Every file is "older" than a negative age; the one a queued import needs is kept.
    purged = purge_unconfirmed_files(
        max_age=datetime.timedelta(seconds=-60), keep=frozenset({names[2]})
    )
    assert purged == 2
    assert sorted(k for k in object_store.names() if k.startswith("imports/")) == [
        f"imports/{STORAGE_FOLDER}/{names[2]}",
        f"imports/{STORAGE_FOLDER}/notes.txt",
    ]
