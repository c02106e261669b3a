"""Benchmark the public catalogue against the same queries in raw SQL, on 100,000 projects.

    make bench                      # 100,000 projects in var/bench (generated once, by COPY)
    make bench BENCH_ARGS="--projects 20000 --rounds 30"

For each scenario (first page, filters, full-text search, a deep page) the catalogue view is
called through Django's request handler (URL routing, middleware, form, ORM, template); the
baseline replays the exact SQL statements the view ran, through the same PostgreSQL server
and connection, and fetches every row. The ratio view/SQL is Django's overhead over the floor
the database sets. Timings are medians; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()
# Generating data runs long statements, and COPY needs psycopg2's own blocking waits.
from cooperation.db import use_worker_timeouts, without_client_timeouts  # noqa: E402

use_worker_timeouts()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from cooperation.models import Axis, Institution, Party, StrategicArea  # noqa: E402
from projects.models import JointProject  # noqa: E402

# The same eighteen words in each language, so that a project reads alike in all three.
WORDS = {
    "es": [
        "agua",
        "ciudad",
        "energía",
        "salud",
        "escuela",
        "movilidad",
        "datos",
        "barrio",
        "residuos",
        "ciencia",
        "robótica",
        "mujeres",
        "inclusión",
        "biotecnología",
        "aire",
        "clima",
        "huerto",
        "sensores",
    ],
    "ca": [
        "aigua",
        "ciutat",
        "energia",
        "salut",
        "escola",
        "mobilitat",
        "dades",
        "barri",
        "residus",
        "ciència",
        "robòtica",
        "dones",
        "inclusió",
        "biotecnologia",
        "aire",
        "clima",
        "hort",
        "sensors",
    ],
    "en": [
        "water",
        "city",
        "energy",
        "health",
        "school",
        "mobility",
        "data",
        "neighbourhood",
        "waste",
        "science",
        "robotics",
        "women",
        "inclusion",
        "biotechnology",
        "air",
        "climate",
        "garden",
        "sensors",
    ],
}
DECLARE = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ')
STATUSES = ["proposed", "approved", "active", "completed", "suspended", "cancelled"]


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(value) for value in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor, without_client_timeouts():
        cursor.cursor.copy_expert(  # psycopg2's COPY FROM STDIN
            f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer
        )


def generate(total: int) -> None:
    """Add synthetic projects (code year 1900+) until there are ``total``, with COPY."""
    existing = JointProject.objects.filter(code__startswith="CDMX-BCN-19").count()
    if existing >= total:
        print(f"{existing} benchmark projects already there")
        return
    started = time.perf_counter()
    rng = random.Random(2026)  # noqa: S311 (reproducible test data, not secrets)
    parties = {p.code: p for p in Party.objects.all()}
    institutions: dict[str, list[int]] = {}
    for city in ("CDMX", "BCN"):
        for number in range(20):
            institution, _ = Institution.objects.get_or_create(
                code=f"BENCH-{city}-{number:02d}",
                defaults={
                    "name": f"Bench {city} {number}",
                    "name_es": f"Bench {city} {number}",
                    "kind": Institution.Kind.UNIVERSITY,
                    "party": parties[city],
                },
            )
            institutions.setdefault(city, []).append(institution.pk)
    areas = list(StrategicArea.objects.values_list("pk", flat=True))
    axes = list(Axis.objects.values_list("pk", flat=True))
    now = "2026-01-01 00:00:00+00"
    rows = []
    for index in range(existing, total):
        year, number = 1900 + index // 9999, index % 9999 + 1
        words = [rng.randrange(len(WORDS["es"])) for _ in range(6)]
        texts = {
            lang: (
                " ".join(WORDS[lang][w] for w in words[:3]).capitalize(),
                " ".join(WORDS[lang][w] for w in words),
            )
            for lang in WORDS
        }
        start_year = 2019 + index % 8
        rows.append(
            (
                f"CDMX-BCN-{year}-{number:04d}",
                texts["es"][0],
                texts["es"][0],
                texts["ca"][0],
                texts["en"][0],
                texts["es"][1],
                texts["es"][1],
                texts["ca"][1],
                texts["en"][1],
                texts["es"][1],
                texts["es"][1],
                texts["ca"][1],
                texts["en"][1],
                rng.choice(areas),
                rng.choice(STATUSES),
                f"{start_year}-{1 + index % 12:02d}-01",
                f"{start_year + 2}-12-31",
                "t" if index % 4 else "f",  # three in four public
                now,
                now,
            )
        )
    with transaction.atomic():
        _copy(
            JointProject._meta.db_table,
            [
                "code", "title", "title_es", "title_ca", "title_en",
                "summary", "summary_es", "summary_ca", "summary_en",
                "impact", "impact_es", "impact_ca", "impact_en",
                "primary_area_id", "status", "start_date", "end_date", "public",
                "created_at", "updated_at",
            ],
            rows,
        )  # fmt: skip
        ids = list(
            JointProject.objects.filter(code__startswith="CDMX-BCN-19")
            .order_by("pk")
            .values_list("pk", flat=True)[existing:]
        )
        participations = []
        project_axes = []
        for pk in ids:
            participations.append((pk, rng.choice(institutions["CDMX"]), "lead"))
            participations.append((pk, rng.choice(institutions["BCN"]), "partner"))
            project_axes.append((pk, rng.choice(axes)))
        _copy("projects_participation", ["project_id", "institution_id", "role"], participations)
        _copy("projects_jointproject_axes", ["jointproject_id", "axis_id"], project_axes)
    with connection.cursor() as cursor:
        # Outside any transaction: VACUUM sets the visibility map that counts rely on.
        cursor.execute("VACUUM ANALYZE")
    print(f"generated {len(rows)} projects in {time.perf_counter() - started:.1f} s")


def _median_ms(function, rounds: int) -> float:
    function()  # warm up caches and the connection
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    generate(args.projects)
    setup_test_environment()  # lets the test client's host in; keeps everything else
    settings.DEBUG = False
    # The view itself, computed every time (bench/pages.py measures the kept pages too).
    settings.PUBLIC_PAGE_CACHE = False
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    city = Party.objects.get(code="BCN").pk
    area = StrategicArea.objects.order_by("number").first().pk  # type: ignore[union-attr]
    scenarios = [
        ("first page", "/projects/"),
        ("city + status", f"/projects/?city={city}&status=active"),
        ("area + year", f"/projects/?area={area}&year=2024"),
        ("search 'agua'", "/projects/?q=agua"),
        ("search + city", f"/projects/?q=robótica+mujeres&city={city}"),
        ("page 200", "/projects/?page=200"),
    ]
    total = JointProject.objects.count()
    public = JointProject.objects.public().count()
    print(f"\n{total} projects ({public} public); {args.rounds} rounds; medians\n")
    print(f"{'scenario':<16} {'queries':>7} {'view ms':>9} {'SQL ms':>8} {'ratio':>6} {'req/s':>7}")
    ratios = []
    for name, url in scenarios:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        # A select list's choices are read through a server-side cursor; replay its SELECT.
        statements = [DECLARE.sub("", q["sql"]) for q in captured.captured_queries]

        def view(url: str = url) -> None:
            client.get(url)

        def raw(statements: list[str] = statements) -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()

        view_ms = _median_ms(view, args.rounds)
        sql_ms = _median_ms(raw, args.rounds)
        ratios.append(view_ms / sql_ms)
        print(
            f"{name:<16} {len(statements):>7} {view_ms:>9.2f} {sql_ms:>8.2f} "
            f"{view_ms / sql_ms:>6.2f} {1000 / view_ms:>7.0f}"
        )
    print(f"\nmedian ratio view/SQL: {statistics.median(ratios):.2f}")
    for words in ("agua", "robótica mujeres"):
        query = JointProject.objects.public().search(words, "es").filter(status="active")
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        scans = sorted(set(re.findall(r"(?:Index|Seq) Scan (?:using |on )?(\w+)", plan)))
        print(f"plan of search {words!r} + status: {', '.join(scans)}")


if __name__ == "__main__":
    main()
