"""The hourly clean-up deletes import files checked more than a day ago and never confirmed."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from projects.imports import STORAGE_FOLDER, import_storage
from projects.tasks import purge_unconfirmed_imports

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    # The imports storage reads IMPORTS_ROOT at each use.
    settings.IMPORTS_ROOT = str(tmp_path)
    return tmp_path


def _stored(name: str, *, hours_ago: float) -> str:
    path = import_storage.save(f"{STORAGE_FOLDER}/{name}", ContentFile(b"code\n"))
    when = time.time() - hours_ago * 3600
    os.utime(import_storage.path(path), (when, when))
    return path


def test_old_unconfirmed_files_are_deleted_and_recent_ones_kept(media):
    old = _stored("A" * 24 + ".csv", hours_ago=25)
    old_xlsx = _stored("B" * 24 + ".xlsx", hours_ago=48)
    recent = _stored("C" * 24 + ".csv", hours_ago=23)
    # Not a file the import stored: never touched.
    foreign = _stored("notes.txt", hours_ago=100)
    assert purge_unconfirmed_imports.delay().get() == 2
    assert not import_storage.exists(old)
    assert not import_storage.exists(old_xlsx)
    assert import_storage.exists(recent)
    assert import_storage.exists(foreign)


def test_nothing_to_do_without_the_folder(media):
    assert purge_unconfirmed_imports() == 0


def test_an_official_confirming_an_expired_file_is_asked_for_it_again(media, login, official_cdmx):
    token = "D" * 24 + ".csv"
    _stored(token, hours_ago=30)
    purge_unconfirmed_imports()
    response = login(official_cdmx).post(
        "/admin/projects/jointproject/import/", {"token": token, "confirm": "on"}
    )
    assert "The checked file has expired; upload it again." in response.content.decode()


def test_the_clean_up_runs_every_hour_in_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-unconfirmed-project-imports"]
    assert entry == {"task": "projects.tasks.purge_unconfirmed_imports", "schedule": 3600.0}
    from config.celery import app

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
