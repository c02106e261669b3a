"""Import historical projects from a CSV or XLSX file: every row valid, or nothing written.

manage.py import_projects projects/samples/historical-projects.csv --dry-run
manage.py import_projects archive.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.imports import import_projects, read_projects


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
        count = import_projects(result, actor=None)
        self.stdout.write(self.style.SUCCESS(f"{count} project(s) imported."))
