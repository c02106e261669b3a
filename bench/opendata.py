"""Benchmark an open-data release: the worker's peak memory at two sizes (flat memory).

    make bench-opendata                                   # 10,000 then 100,000 projects
    make bench-opendata BENCH_ARGS="--sizes 2000,20000"

Data: the reports benchmark's (var/bench, generated once by COPY and only ever added to):
projects with two participations, an axis, 2–3 funding commitments and stay applications.
For each size a release is built once, in a fresh process that reports the build's time, its
peak resident memory (VmHWM) and that peak's growth during the build; with ``--trace`` also
tracemalloc's peak of Python allocations (which slows the build: its time is then not the
worker's). The issue asks the peak at the larger size to be at most 1.2 times the peak at the
smaller; the ratio is printed, nothing is asserted. The worker runs with DEBUG off, as a
worker does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.catalogue import generate as generate_projects  # noqa: E402
from bench.reports import (  # noqa: E402
    BENCH_CODES,
    _peak_rss_mb,
    generate_applications,
    generate_funding_and_milestones,
)
from opendata.models import Release  # noqa: E402
from opendata.services import release_execute, release_request  # noqa: E402
from projects.models import JointProject  # noqa: E402


def worker(*, trace: bool) -> None:
    """Build one release in this fresh process and print its time and peak memory as JSON."""
    import tracemalloc

    release = release_request(actor=None)
    before = _peak_rss_mb()  # Python, Django and the project loaded
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    outcome = release_execute(release.pk)
    seconds = time.perf_counter() - started
    found: dict[str, object] = {}
    if trace:
        found["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    after = _peak_rss_mb()
    print(
        json.dumps(
            {
                "release": release.pk,
                "outcome": outcome,
                "seconds": seconds,
                "peak_rss_mb": after,
                "rss_growth_mb": after - before,
                **found,
            }
        )
    )


def measure(size: int, *, trace: bool) -> dict[str, object]:
    memory = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, __file__, "--worker", *(["--trace"] if trace else [])],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    found = json.loads(memory.stdout.strip().splitlines()[-1])
    files = Release.objects.get(pk=found["release"]).files.filter(format__in=["csv", "360giving"])
    records = {f.dataset: f.records for f in files}
    return {"projects": size, "records": records, **found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="project counts, ascending")
    parser.add_argument("--trace", action="store_true", help="also tracemalloc's peak")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # The embedded servers want DEBUG=1; a worker runs without it. With it, Django keeps the
    # last 9,000 statements' SQL (each prefetch names a chunk's 500 ids), which grows with the
    # data up to ~40 MB and is not the release's memory.
    settings.DEBUG = False
    settings.OPENDATA_ROOT = ROOT / "var" / "bench" / "opendata"
    os.environ["OPENDATA_ROOT"] = str(settings.OPENDATA_ROOT)
    if args.worker:
        worker(trace=args.trace)
        return
    call_command("migrate", verbosity=0)
    results = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        bench_projects = JointProject.objects.filter(code__startswith=BENCH_CODES).count()
        if bench_projects > size:  # generated data is only ever added to
            print(f"var/bench already holds {bench_projects} projects; skipping {size}")
            continue
        generate_projects(size)
        generate_funding_and_milestones()
        generate_applications(2 * size)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        results.append(measure(size, trace=args.trace))
        print(json.dumps(results[-1]))
    print(
        f"\n{'projects':>9} {'build s':>8} {'peak RSS MB':>12} {'growth MB':>10} {'Python MB':>10}"
    )
    for r in results:
        print(
            f"{r['projects']:>9} {r['seconds']:>8.1f} {r['peak_rss_mb']:>12.1f} "
            f"{r['rss_growth_mb']:>10.1f} {r.get('python_peak_mb', float('nan')):>10.2f}"
        )
    if len(results) > 1:
        ratio = float(results[-1]["peak_rss_mb"]) / float(results[0]["peak_rss_mb"])  # type: ignore[arg-type]
        print(f"\npeak RSS at {results[-1]['projects']} ÷ at {results[0]['projects']}: {ratio:.3f}")


if __name__ == "__main__":
    main()
