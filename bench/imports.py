"""Time an import of historical projects of 20,000 rows, as the admin and a worker run it.

    make bench-imports                          # 20,000 rows in var/bench
    make bench-imports BENCH_ARGS="--rows 5000"

It measures the two steps an official waits for: the dry run (``read_projects``, in the web
request that shows the preview) and the worker's run (``import_execute``: claim, check the file
again, write every row through ``project_create`` in one transaction, record the outcome).
The rows it writes are deleted at the end, so the bench can run again on the same database.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cooperation.models import Institution, Party  # noqa: E402
from projects import import_runs, imports  # noqa: E402
from projects.models import JointProject, ProjectImport  # noqa: E402

FIRST_YEAR = 1991  # years no other bench or demo uses; at most 9,999 codes per year
PER_YEAR = 5000


def _file(rows: int) -> bytes:
    lines = [",".join(imports.COLUMNS)]
    for index in range(rows):
        year, number = FIRST_YEAR + index // PER_YEAR, index % PER_YEAR + 1
        values = dict.fromkeys(imports.COLUMNS, "")
        values.update(
            code=f"CDMX-BCN-{year}-{number:04d}",
            title_es=f"Proyecto histórico {index + 1}",
            title_en=f"Historical project {index + 1}",
            summary_es="Resumen del proyecto histórico.",
            primary_area="URBAN_WATER",
            axes="ENDOGENOUS_CAPACITIES",
            status="completed",
            start_date=f"{year}-01-01",
            end_date=f"{year + 1}-12-31",
            public="yes",
            lead_institution="BENCH-CDMX",
            partner_institutions="BENCH-BCN",
        )
        lines.append(",".join(values[column] for column in imports.COLUMNS))
    return ("\n".join(lines) + "\n").encode()


def _clean() -> None:
    JointProject.objects.filter(code__regex=r"^CDMX-BCN-199[0-9]-").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    for code, party in (("BENCH-CDMX", "CDMX"), ("BENCH-BCN", "BCN")):
        Institution.objects.get_or_create(
            code=code, defaults={"name": code, "party": Party.objects.get(code=party)}
        )
    _clean()
    data = _file(args.rows)

    started = time.perf_counter()
    result = imports.read_projects("bench.csv", io.BytesIO(data))
    dry_run = time.perf_counter() - started
    if not result.ok:
        sys.exit(f"the generated file is refused: {result.file_error} {result.errors[:3]}")

    stored = default_storage.save(f"{imports.STORAGE_FOLDER}/{'b' * 20}0001.csv", ContentFile(data))
    run = import_runs.import_request(actor=None, file_name=stored.split("/", 1)[1])
    started = time.perf_counter()
    outcome = import_runs.import_execute(run.pk)
    worker = time.perf_counter() - started
    run.refresh_from_db()
    if (outcome, run.imported) != ("succeeded", args.rows):
        sys.exit(f"the import {outcome}: {run.error}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{args.rows} rows ({len(data) / 1e6:.1f} MB), {version}")
    print(f"  dry run (web request):  {dry_run:7.1f} s  ({dry_run / args.rows * 1000:.2f} ms/row)")
    print(f"  worker, all or nothing: {worker:7.1f} s  ({worker / args.rows * 1000:.2f} ms/row)")
    _clean()
    ProjectImport.objects.filter(pk=run.pk).delete()


if __name__ == "__main__":
    main()
