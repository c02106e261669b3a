"""Import historical projects from a CSV or XLSX file: every row valid, or nothing written.

manage.py import_projects projects/samples/historical-projects.csv --dry-run
manage.py import_projects archive.xlsx

The file is checked, then written by the same service as the admin's import (a run of
``projects.import_runs``, here in this process): one transaction, all rows or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from projects.import_runs import import_execute, import_request
from projects.imports import STORAGE_FOLDER, import_storage, read_projects


class Command(BaseCommand):
    help = "Import historical projects from a CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and write nothing."
        )

    def handle(self, *args: Any, path: Path, dry_run: bool, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as handle:
            result = read_projects(path.name, handle)
        if result.file_error:
            raise CommandError(result.file_error)
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.reason}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} bad row(s): nothing was imported.")
        if dry_run:
            self.stdout.write(f"{len(result.rows)} project(s) would be imported.")
            return
        suffix = ".xlsx" if path.name.lower().endswith(".xlsx") else ".csv"
        with path.open("rb") as handle:
            stored = import_storage.save(
                f"{STORAGE_FOLDER}/{get_random_string(24)}{suffix}", File(handle)
            )
        run = import_request(actor=None, file_name=stored.split("/", 1)[1], original_name=path.name)
        outcome = import_execute(run.pk)
        run.refresh_from_db()
        if outcome != "succeeded":
            for error in run.row_errors:
                self.stderr.write(f"line {error['line']}: {error['reason']}")
            raise CommandError(run.error or outcome)
        self.stdout.write(self.style.SUCCESS(f"{run.imported} project(s) imported."))
