"""A bounded mixed load on the portal under gunicorn, on loopback: 50 users by default.

    make bench-load                                    # 100,000 projects in var/bench
    make bench-load BENCH_ARGS="--users 50 --seconds 60"

The portal runs as ``make bench-pages`` runs it (gunicorn, 3 sync workers, production
settings); locust (``bench/locustfile.py``) plays visitors of the catalogue and the projects'
pages (four in five) and partner systems reading the API (one in five), each waiting one to
two seconds between calls. Reported: requests, errors, p50, p95 and p99 per kind of call and
in all.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import PORTAL_ENV, VAR, prepare, start_server, stop_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--gunicorn", default="", help="more gunicorn options")
    args = parser.parse_args()

    from cooperation.models import Party
    from projects.models import JointProject

    _code, api = prepare(args.projects)
    public = JointProject.objects.public()
    codes = list(public.order_by("?").values_list("code", flat=True)[:300])
    env = {
        "BENCH_TOKEN": api["Authorization"].removeprefix("Bearer "),
        "BENCH_CODES": ",".join(codes),
        "BENCH_CITIES": ",".join(str(pk) for pk in Party.objects.values_list("pk", flat=True)),
        "BENCH_PAGES": str(-(-public.count() // 20)),
    }
    process, port = start_server("config.wsgi:application", args.gunicorn.split(), PORTAL_ENV)
    prefix = VAR / "locust"
    try:
        subprocess.run(  # noqa: S603 (our own interpreter's locust, loopback only)
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, **env},
            check=False,
        )
    finally:
        stop_server(process)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    print(f"\n{args.users} users for {args.seconds} s on loopback; gunicorn, 3 sync workers\n")
    print(
        f"{'call':<20} {'requests':>8} {'errors':>6} {'req/s':>6} {'p50':>5} {'p95':>5} {'p99':>5}"
    )
    for row in rows:
        print(
            f"{row['Name']:<20} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>6.1f} {row['50%']:>5} {row['95%']:>5} {row['99%']:>5}"
        )
    print("(milliseconds)")


if __name__ == "__main__":
    main()
