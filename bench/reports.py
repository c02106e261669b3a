"""Benchmark the programme overview end to end against the same aggregation in raw SQL.

    make bench-reports                                   # 10,000 then 100,000 projects
    make bench-reports BENCH_ARGS="--sizes 2000,20000 --rounds 3"

Data (var/bench, shared with the catalogue benchmark, generated once by COPY): projects with
two participations (a lead in Mexico City, a partner in Barcelona), an axis, 2–3 funding
commitments in MXN, EUR or USD and 3 milestones each, plus two stay applications per project
(200,000 at 100,000 projects) spread over 200 calls and 1,000 researchers.

For each size, ``report_execute`` (claim the run, aggregate, write the file, record the
outcome) is timed against replaying, on the same connection, the SELECT statements on the
programme's data that the report ran, fetching every row: the ratio is the report's overhead
over the floor the database sets. The worker's peak memory is measured in a fresh process
running one report: its peak resident memory (VmHWM), the growth of that peak during the
report, and tracemalloc's peak of Python allocations. Timings are medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
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
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.catalogue import _copy  # noqa: E402
from bench.catalogue import generate as generate_projects  # noqa: E402
from cooperation.models import Institution, Party, User  # noqa: E402
from exchanges.models import Call, StayApplication  # noqa: E402
from projects.models import ExchangeRate, FundingCommitment, JointProject, Milestone  # noqa: E402
from reports.services import report_execute, report_request  # noqa: E402

BENCH_CODES = "CDMX-BCN-19"
CALLS, RESEARCHERS = 200, 1000
STATUSES = ["submitted", "host_review", "host_declined", "evaluation", "rejected", "awarded"]
STATUSES += ["in_progress", "completed", "completed", "withdrawn"]
PARAMETERS = {"currency": "EUR", "rate_date": "2026-06-30"}
DASHBOARD_PERIODS: dict[str, dict[str, object]] = {
    "all time": {},
    "year 2026": {"year": 2026},
    "2025-2026, BCN": {"date_from": "2025-01-01", "date_to": "2026-12-31", "city": "BCN"},
}


def generate_funding_and_milestones() -> None:
    """Give every benchmark project without funding 2–3 commitments and 3 milestones."""
    missing = list(
        JointProject.objects.filter(code__startswith=BENCH_CODES, funding__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not missing:
        return
    started = time.perf_counter()
    rng = random.Random(len(missing))  # noqa: S311 (reproducible test data)
    parties = dict(Party.objects.values_list("code", "pk"))
    bcn = list(
        Institution.objects.filter(code__startswith="BENCH-BCN").values_list("pk", flat=True)
    )
    funding: list[tuple[object, ...]] = []
    milestones: list[tuple[object, ...]] = []
    for pk in missing:
        year = 2019 + pk % 8
        funding.append((pk, parties["CDMX"], r"\N", rng.randrange(50_000, 2_000_000), "MXN", year))
        funding.append((pk, r"\N", rng.choice(bcn), rng.randrange(5_000, 90_000), "EUR", year))
        if pk % 3 == 0:
            funding.append(
                (pk, parties["BCN"], r"\N", rng.randrange(1_000, 50_000), "USD", year + 1)
            )
        for step in range(3):
            milestones.append((pk, f"Hito {step + 1}", f"{year + step}-06-30", "planned", ""))
    with transaction.atomic():
        _copy(
            FundingCommitment._meta.db_table,
            ["project_id", "funder_party_id", "funder_institution_id", "amount", "currency",
             "year", "kind"],
            [(*row, "cash") for row in funding],
        )  # fmt: skip
        _copy(
            Milestone._meta.db_table,
            ["project_id", "title", "due_date", "status", "evidence_url"],
            milestones,
        )
    print(
        f"generated {len(funding)} commitments and {len(milestones)} milestones "
        f"in {time.perf_counter() - started:.1f} s"
    )


def generate_applications(total: int) -> None:
    """Add stay applications until there are ``total`` (calls × researchers, by COPY)."""
    existing = StayApplication.objects.filter(call__title__startswith="Bench").count()
    if existing >= total:
        return
    started = time.perf_counter()
    if not Call.objects.filter(title__startswith="Bench").exists():
        Call.objects.bulk_create(
            Call(
                title=f"Bench call {n}",
                title_es=f"Bench call {n}",
                description="Bench",
                direction="both",
                opens_at=f"2024-01-{1 + n % 28:02d}T00:00:00Z",
                closes_at=f"2024-03-{1 + n % 28:02d}T00:00:00Z",
                stays_from="2024-06-01",
                stays_until="2025-12-31",
                min_duration_days=30,
                max_duration_days=180,
                monthly_stipend=1500,
                stipend_currency="EUR",
            )
            for n in range(CALLS)
        )
        User.objects.bulk_create(
            User(email=f"bench{n}@bench.example.org", password="!")  # noqa: S106 (unusable)
            for n in range(RESEARCHERS)
        )
    calls = list(
        Call.objects.filter(title__startswith="Bench").order_by("pk").values_list("pk", flat=True)
    )
    people = list(
        User.objects.filter(email__endswith="@bench.example.org")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    hosts = list(Institution.objects.filter(code__startswith="BENCH-").values_list("pk", flat=True))
    rng = random.Random(total)  # noqa: S311 (reproducible test data)
    rows = []
    for index in range(existing, total):
        call, person = calls[index // len(people)], people[index % len(people)]
        days = rng.randrange(20, 240)
        rows.append(
            (call, person, rng.choice(STATUSES), rng.choice(hosts), "2024-09-01",
             f"2024-{min(9 + days // 30, 12):02d}-28", "Bench", "", "",
             "2024-02-01 00:00:00+00", "2024-02-02 00:00:00+00")
        )  # fmt: skip
    with transaction.atomic():
        _copy(
            StayApplication._meta.db_table,
            ["call_id", "researcher_id", "status", "host_id", "start_date", "end_date",
             "title", "work_plan", "impact_statement", "created_at", "submitted_at"],
            rows,
        )  # fmt: skip
    print(f"generated {len(rows)} applications in {time.perf_counter() - started:.1f} s")


def ensure_rates() -> None:
    for base, quote, rate in (("MXN", "EUR", "0.050000"), ("EUR", "USD", "1.080000")):
        ExchangeRate.objects.get_or_create(
            date="2026-06-01", base=base, quote=quote, defaults={"rate": rate}
        )


def new_run(fmt: str) -> int:
    return report_request(
        actor=None, kind="programme", parameters=PARAMETERS, format=fmt, enqueue=False
    ).pk


def _medians_ms(first, second, rounds: int) -> tuple[float, float]:
    """Time two functions in alternation (so that drift hits both alike); return medians."""
    first()  # warm up caches and the connection
    second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for function, kept in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            function()
            kept.append(time.perf_counter() - started)
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


# A server-side cursor's statement is captured as ``DECLARE "name" … CURSOR … FOR <query>``:
# the baseline replays the query itself, not the declaration (which fetches nothing).
DECLARE = re.compile(r"^\s*DECLARE\s+\S+\s.*?\bCURSOR\b.*?\bFOR\s+(.*)$", re.S | re.I)


def data_statements(captured: CaptureQueriesContext) -> list[str]:
    """Return the SELECTs a block ran on the programme's data (not the run's bookkeeping)."""
    statements = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if found := DECLARE.match(sql):
            sql = found.group(1)
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and "reports_reportrun" not in sql:
            statements.append(sql)
    return statements


def measure_dashboard(rounds: int, parameters: dict[str, object]) -> dict[str, float]:
    """Time the dashboard's figures (``dashboard_context``) against replaying their SELECTs."""
    from django.utils import translation

    from reports.dashboard import DashboardForm, dashboard_context

    form = DashboardForm(data=parameters)
    assert form.is_valid(), form.errors  # noqa: S101
    cleaned = form.cleaned_data
    with translation.override("es"), CaptureQueriesContext(connection) as captured:
        dashboard_context("default", cleaned)
    statements = data_statements(captured)

    def page() -> None:
        with translation.override("es"):
            dashboard_context("default", cleaned)

    def raw() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    page_ms, sql_ms = _medians_ms(page, raw, rounds)
    return {"statements": len(statements), "page_ms": page_ms, "sql_ms": sql_ms,
            "ratio": page_ms / sql_ms}  # fmt: skip


def measure(size: int, rounds: int, fmt: str) -> dict[str, float]:
    run_id = new_run(fmt)
    with CaptureQueriesContext(connection) as captured:
        assert report_execute(run_id) == "succeeded"  # noqa: S101
    statements = data_statements(captured)

    def end_to_end() -> None:
        report_execute(new_run(fmt))

    def raw() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    report_ms, sql_ms = _medians_ms(end_to_end, raw, rounds)
    worker = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, __file__, "--worker", str(new_run(fmt))],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    memory = json.loads(worker.stdout.strip().splitlines()[-1])
    return {
        "projects": size,
        "statements": len(statements),
        "report_ms": report_ms,
        "sql_ms": sql_ms,
        "ratio": report_ms / sql_ms,
        **memory,
    }


def _peak_rss_mb() -> float:
    """Return this process's peak resident memory since it started (VmHWM on Linux).

    ru_maxrss would not do: Linux carries it over from the parent across fork and exec, so
    the worker would report the generator's peak.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(run_id: int) -> None:
    """Run one report in this fresh process and print its peak memory as JSON."""
    import tracemalloc

    before = _peak_rss_mb()  # Python, Django and the project loaded
    tracemalloc.start()
    outcome = report_execute(run_id)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = _peak_rss_mb()
    print(
        json.dumps(
            {
                "outcome": outcome,
                "peak_rss_mb": after,
                "rss_growth_mb": after - before,
                "python_peak_mb": peak / 1024 / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="project counts, ascending")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--format", default="csv", choices=["csv", "xlsx", "pdf"])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings.REPORTS_ROOT = ROOT / "var" / "bench" / "reports"
    os.environ["REPORTS_ROOT"] = str(settings.REPORTS_ROOT)
    if args.worker:
        worker(args.worker)
        return
    call_command("migrate", verbosity=0)
    ensure_rates()
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
        results.append(measure(size, args.rounds, args.format))
        print(json.dumps(results[-1]))
        for name, query in DASHBOARD_PERIODS.items():
            found = measure_dashboard(args.rounds, query)
            print(json.dumps({"projects": size, "dashboard": name, **found}))
    commitments = FundingCommitment.objects.count()
    print(
        f"\nprogramme overview ({args.format}), {args.rounds} rounds, medians; "
        f"{commitments} commitments, {StayApplication.objects.count()} applications now\n"
    )
    print(
        f"{'projects':>9} {'report ms':>10} {'SQL ms':>8} {'ratio':>6} "
        f"{'peak RSS MB':>12} {'RSS growth MB':>14} {'Python peak MB':>15}"
    )
    for r in results:
        print(
            f"{r['projects']:>9} {r['report_ms']:>10.1f} {r['sql_ms']:>8.1f} {r['ratio']:>6.2f} "
            f"{r['peak_rss_mb']:>12.1f} {r['rss_growth_mb']:>14.1f} {r['python_peak_mb']:>15.2f}"
        )


if __name__ == "__main__":
    main()
