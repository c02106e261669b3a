"""Restore a backup made by ``backup_portal`` (``make restore BACKUP=…``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cooperation.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup: replaces the database's objects (pg_restore --clean) and writes back "
        "every kept file. Stop web, worker and beat first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the backup's folder")
        parser.add_argument("--pg-bin", default="", help="folder holding pg_restore")
        parser.add_argument("--files-only", action="store_true", help="skip the database")
        parser.add_argument("--database-only", action="store_true", help="skip the files")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current data may be replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("A restore replaces the current data: run it again with --yes.")
        try:
            result = backup_restore(
                source=Path(options["source"]),
                pg_bin=options["pg_bin"],
                database=not options["files_only"],
                files=not options["database_only"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = ", ".join(f"{kind} {count}" for kind, count in result["files"].items())
        self.stdout.write(
            f"Restored from {options['source']}: database "
            f"{'yes' if result['database'] else 'no'}; files: {counts or 'none'}"
        )
