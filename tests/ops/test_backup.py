"""`make backup` and `make restore`: a backup restored into a fresh PostgreSQL finds it all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import InstitutionFactory

ROOT = Path(__file__).resolve().parents[2]
ROOTS = {
    "MEDIA_ROOT": "media",
    "PRIVATE_MEDIA_ROOT": "private",
    "REPORTS_ROOT": "reports",
    "IMPORTS_ROOT": "imports",
    "OPENDATA_ROOT": "opendata",
}
FILES = {
    "default": ("agreements/mou.pdf", b"%PDF-1.4 the MoU"),
    "private": ("applications/7/cv.pdf", b"%PDF-1.4 a researcher's CV"),
    "reports": ("institutions-3.csv", "código,nombre\nBK-1,Institución\n".encode()),
    "imports": ("project-imports/abcdefghijklmnopqrstuvwx.csv", b"code\n"),
    "opendata": ("2026-12/projects.json", b"[]"),
}
TABLES = ("cooperation_institution", "cooperation_party", "django_migrations", "reports_reportrun")


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_into_a_fresh_postgresql_has_the_same_rows_and_files(
    tmp_path, settings, cdmx, official_cdmx
):
    from devtools.embedded import EmbeddedPostgres
    from reports.models import ReportRun

    for setting, folder in ROOTS.items():
        setattr(settings, setting, tmp_path / "live" / folder)
    InstitutionFactory(code="BK-1", name="Institución respaldada", party=cdmx)
    for alias, (name, content) in FILES.items():
        assert storages[alias].save(name, ContentFile(content)) == name
    ReportRun.objects.create(
        kind="institutions", format="csv", state="succeeded", file=FILES["reports"][0]
    )
    with connection.cursor() as cursor:
        live = _counts(cursor)

    backup = tmp_path / "backup"
    call_command("backup_portal", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {kind: sorted(files) for kind, files in manifest["files"].items()} == {
        alias: [name] for alias, (name, _content) in FILES.items()
    }

    fresh = EmbeddedPostgres(tmp_path / "fresh-postgres")
    url = fresh.start()
    try:
        restored = tmp_path / "restored"
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **{setting: str(restored / folder) for setting, folder in ROOTS.items()},
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "restore_portal", str(backup), "--yes"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        config = dj_database_url.parse(url)
        with (
            psycopg2.connect(
                dbname=config["NAME"], user=config["USER"], host=config["HOST"]
            ) as fresh_connection,
            fresh_connection.cursor() as cursor,
        ):
            assert _counts(cursor) == live
            cursor.execute("SELECT name FROM cooperation_institution WHERE code = 'BK-1'")
            assert cursor.fetchone() == ("Institución respaldada",)
            cursor.execute("SELECT file FROM reports_reportrun WHERE state = 'succeeded'")
            assert cursor.fetchone() == (FILES["reports"][0],)
        fresh_connection.close()
    finally:
        fresh.stop()
    for alias, (name, content) in FILES.items():
        folder = "media" if alias == "default" else alias
        assert (restored / folder / name).read_bytes() == content, alias


def test_a_tampered_backup_is_refused_and_nothing_is_restored(tmp_path, settings, db):
    for setting, folder in ROOTS.items():
        setattr(settings, setting, tmp_path / "live" / folder)
    storages["private"].save("applications/1/cv.pdf", ContentFile(b"%PDF-1.4 original"))
    backup = tmp_path / "backup"
    call_command("backup_portal", str(backup), "--files-only")
    (backup / "files" / "private" / "applications/1/cv.pdf").write_bytes(b"%PDF-1.4 forged")
    storages["private"].delete("applications/1/cv.pdf")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore_portal", str(backup), "--yes", "--files-only")
    assert not storages["private"].exists("applications/1/cv.pdf")


def test_restore_asks_for_confirmation_and_backup_wants_a_new_folder(tmp_path, db):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_portal", str(tmp_path))
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_portal", str(tmp_path / "old"))
