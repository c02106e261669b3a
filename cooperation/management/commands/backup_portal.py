"""Back up the database and every kind of kept file into a new folder (``make backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cooperation.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the PostgreSQL database (pg_dump) and the file storages into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="a new (or empty) folder for the backup")
        parser.add_argument("--pg-bin", default="", help="folder holding pg_dump")
        parser.add_argument("--files-only", action="store_true", help="skip the database")
        parser.add_argument("--database-only", action="store_true", help="skip the files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(
                target=Path(options["target"]),
                pg_bin=options["pg_bin"],
                database=not options["files_only"],
                files=not options["database_only"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = ", ".join(f"{kind} {len(names)}" for kind, names in manifest["files"].items())
        self.stdout.write(
            f"Backed up to {options['target']}: database "
            f"{'yes' if manifest['database'] else 'no'}; files: {counts or 'none'}"
        )
