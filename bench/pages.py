"""Benchmark the portal's public pages and API lists against a hand-written floor, under gunicorn.

    make bench-pages                                   # 100,000 projects in var/bench
    make bench-pages BENCH_ARGS="--projects 20000 --rounds 3 --seconds 3"

Two gunicorn servers run side by side on loopback, with the Dockerfile's settings (3 sync
workers): the portal (``config.wsgi``, production settings: DEBUG off, manifest static files,
HTTPS as behind the Compose proxy) and the floor (``bench/floor.py``: plain WSGI, psycopg2,
the fewest statements). First every scenario's rows are compared, portal against floor; a
difference stops the run. Then, round after round, each scenario is loaded for ``--seconds``
by ``--clients`` concurrent client processes on the portal and then on the floor (the order
alternates each round), and the round's ratio is portal ÷ floor throughput: the pairs share
the machine's drifts. Reported: median throughputs and the median of the paired ratios.

``--portal-env PUBLIC_PAGE_CACHE=0`` measures the pages computed for every visitor (by default
an anonymous visitor's page is served from the cache once made). ``--gunicorn`` passes more
options to both servers (for example ``--config bench/gc_freeze.py``
to freeze the start-up objects out of the garbage collector).
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import multiprocessing
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()
from cooperation.db import use_worker_timeouts  # noqa: E402

use_worker_timeouts()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

VAR = ROOT / "var" / "bench"
# Production settings, as the Compose file gives them, with loopback as the host and the
# proxy's X-Forwarded-Proto (the bench client sends it) instead of TLS.
PORTAL_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "USE_X_FORWARDED_PROTO": "1",
    "STATIC_ROOT": str(VAR / "static"),
    # The bench's own client would be throttled otherwise; the throttle's Redis call stays.
    "API_RATE": "100000000/min",
    "LOG_LEVEL": "WARNING",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: str, extra: list[str], env: dict[str, str]) -> tuple[Any, int]:
    """Start gunicorn with the Dockerfile's 3 sync workers; wait until it answers."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(port, "/projects/")
            return process, port
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"{app} did not start")


def stop_server(process: Any) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


HEADERS = {"Accept-Language": "es", "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def get(port: int, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url, headers={**HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _load(job: tuple[int, str, dict[str, str], float]) -> tuple[int, int]:
    """Call one URL again and again for ``seconds``; return (answers, errors)."""
    port, url, headers, seconds = job
    done = errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            status, _ = get(port, url, headers)
        except OSError:
            status = 0
        done += 1
        errors += status != 200
    return done, errors


# What a page shows, to compare the portal's rows with the floor's.
ROW = re.compile(r'<h2><a href="/projects/([^/"]+)/">(.*?)</a></h2>', re.S)
TAG = re.compile(r'<span class="tag">(.*?)</span>', re.S)
TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)
INSTITUTION = re.compile(r"<li>([^<]*?) \([^()<]*\)</li>")
PAGE_OF = re.compile(r"(\d+)\D+(\d+)\s*</li>|Page (\d+) of (\d+)")


def page_rows(body: bytes) -> list[tuple[str, str, list[str]]]:
    text = body.decode()
    items = text.split('<h2><a href="/projects/')[1:]
    rows = []
    for item in items:
        code, title = ROW.match('<h2><a href="/projects/' + item).groups()  # type: ignore[union-attr]
        tags = [html.unescape(t) for t in TAG.findall(item.split("</li>")[0])]
        rows.append((code, html.unescape(title.strip()), tags))
    return rows


def detail_facts(body: bytes) -> tuple[str, list[str]]:
    text = body.decode()
    title = html.unescape(TITLE.search(text).group(1).strip())  # type: ignore[union-attr]
    cards = text.split('class="cards"', 1)[1].split("</div>\n</section>", 1)[0]
    cards = cards.split("</div></dl>", 1)[0]
    return title, [html.unescape(name) for name in INSTITUTION.findall(cards)]


def check(portal: int, floor: int, scenario: tuple[str, str, str, dict[str, str]]) -> None:
    """Stop unless the portal and the floor answer the same rows."""
    name, kind, url, headers = scenario
    answers = [get(port, url, headers) for port in (portal, floor)]
    for status, body in answers:
        if status != 200:
            raise SystemExit(f"{name}: {url} answered {status}: {body[:300]!r}")
    (_, mine), (_, theirs) = answers
    if kind == "catalogue":
        same = page_rows(mine) == page_rows(theirs) and len(page_rows(mine)) > 0
        count = re.search(rb'id="results-title"[^>]*>\s*(\d+)', mine)
        floor_count = re.search(rb'id="results-title">(\d+)', theirs)
        same = same and count is not None and floor_count is not None
        same = same and count.group(1) == floor_count.group(1)  # type: ignore[union-attr]
    elif kind == "detail":
        same = detail_facts(mine) == detail_facts(theirs)
    elif kind == "api-list":
        same = json.loads(mine)["results"] == json.loads(theirs)["results"]
    else:
        same = json.loads(mine) == json.loads(theirs)
    if not same:
        raise SystemExit(f"{name}: the portal and the floor disagree on {url}")


def prepare(projects: int) -> tuple[str, dict[str, str]]:
    """Migrate, generate the projects, collect static files; return a project and a token."""
    from oauth2_provider.models import AccessToken

    from bench.catalogue import generate
    from cooperation.api.clients import partner_client_create
    from cooperation.models import Institution
    from projects.catalogue import catalogue_changed
    from projects.models import JointProject

    call_command("migrate", verbosity=0)
    generate(projects)
    # COPY goes around the signals that version the catalogue's cached counts.
    catalogue_changed()
    env = {**os.environ, **PORTAL_ENV}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    institution = Institution.objects.get(code="BENCH-BCN-00")
    credentials = partner_client_create(
        name=f"bench pages {time.time()}", scopes=["read"], institution=institution
    )
    token = AccessToken.objects.create(
        application=credentials.profile.application,
        token=f"bench-pages-{credentials.client_id}",
        scope="read",
        expires=timezone.now() + timedelta(hours=6),
    )
    # A public project in the middle of the portfolio (its code's year is 1905).
    code = (
        JointProject.objects.public()
        .filter(code__startswith="CDMX-BCN-1905")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return str(code), {"Authorization": f"Bearer {token.token}", "Accept": "application/json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0, help="per scenario and server")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--gunicorn", default="", help="more gunicorn options, both servers")
    parser.add_argument(
        "--portal-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the portal, for example PUBLIC_PAGE_CACHE=0 (repeatable)",
    )
    args = parser.parse_args()
    portal_env = {**PORTAL_ENV, **dict(item.split("=", 1) for item in args.portal_env)}

    from cooperation.models import Party, StrategicArea
    from projects.models import JointProject

    code, api = prepare(args.projects)
    city = Party.objects.get(code="BCN").pk
    area = StrategicArea.objects.order_by("number").first().pk  # type: ignore[union-attr]
    public = JointProject.objects.public().count()
    last_page = -(-public // 20)
    scenarios = [
        ("first page", "catalogue", "/projects/", {}),
        ("city + status", "catalogue", f"/projects/?city={city}&status=active", {}),
        ("area + year", "catalogue", f"/projects/?area={area}&year=2024", {}),
        ("search", "catalogue", "/projects/?q=agua", {}),
        ("search + city", "catalogue", f"/projects/?q=rob%C3%B3tica+mujeres&city={city}", {}),
        ("deep page", "catalogue", f"/projects/?page={last_page}", {}),
        # The middle reads the most keys (past it, pages are read from the other end).
        ("middle page", "catalogue", f"/projects/?page={last_page // 2}", {}),
        ("first page (ca)", "catalogue", "/projects/", {"Accept-Language": "ca"}),
        ("detail", "detail", f"/projects/{code}/", {}),
        ("API list", "api-list", "/api/v1/projects/?page_size=100", api),
        ("API detail", "api-detail", f"/api/v1/projects/{code}/", api),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in scenarios if s[0] in wanted]
    extra = shlex.split(args.gunicorn)
    portal_process, portal = start_server("config.wsgi:application", extra, portal_env)
    floor_process, floor = start_server("bench.floor:application", extra, {})
    try:
        for scenario in scenarios:
            check(portal, floor, scenario)
        print(
            f"\n{JointProject.objects.count()} projects ({public} public); gunicorn, 3 sync "
            f"workers each; {args.clients} clients; {args.rounds} rounds of {args.seconds:g} s "
            f"per scenario and server; rows checked equal{'; ' + args.gunicorn if extra else ''}"
            f"{'; ' + ' '.join(args.portal_env) if args.portal_env else ''}"
            "\n"
        )
        print(
            f"{'scenario':<16} {'portal req/s':>12} {'floor req/s':>11} {'ratio':>6} {'range':>11}"
        )
        results: dict[str, float] = {}
        with multiprocessing.Pool(args.clients) as pool:
            for name, _kind, url, headers in scenarios:
                rates: dict[int, list[float]] = {portal: [], floor: []}
                ratios = []
                for round_number in range(args.rounds):
                    order = (portal, floor) if round_number % 2 == 0 else (floor, portal)
                    for port in order:
                        job = (port, url, headers, args.seconds)
                        answers = pool.map(_load, [job] * args.clients)
                        done, errors = (sum(a[i] for a in answers) for i in (0, 1))
                        if errors:
                            raise SystemExit(f"{name}: {errors} errors of {done} on port {port}")
                        rates[port].append(done / args.seconds)
                    ratios.append(rates[portal][-1] / rates[floor][-1])
                ratio = statistics.median(ratios)
                results[name] = statistics.median(rates[portal])
                print(
                    f"{name:<16} {statistics.median(rates[portal]):>12.1f} "
                    f"{statistics.median(rates[floor]):>11.1f} {ratio:>6.2f} "
                    f"{min(ratios):>5.2f}–{max(ratios):<5.2f}",
                    flush=True,
                )
        for deep, number in (("deep page", last_page), ("middle page", last_page // 2)):
            if "first page" in results and deep in results:
                print(
                    f"\n{deep} (page {number}) vs first page, portal: "
                    f"{results['first page'] / results[deep]:.2f}× the time"
                )
    finally:
        stop_server(portal_process)
        stop_server(floor_process)


if __name__ == "__main__":
    main()
