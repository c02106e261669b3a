"""Profile one public page or API call in one process, with production settings.

    DEBUG=1 .venv/bin/python -m devtools.embedded --data var/bench exec -- \
        .venv/bin/python bench/profile_pages.py /api/v1/projects/?page_size=100 --token

Calls the URL through Django's whole request handler (every middleware), ``--calls`` times
after a warm-up, and prints the CPU and wall milliseconds per call (medians), the statements
and Redis round trips of one call, and the top of a ``cProfile`` run with a CPU clock: on a
shared machine the CPU a call costs is steadier than its wall time. ``--token`` calls as the
bench's partner client (institution BENCH-BCN-00, scope ``read``); ``--env NAME=VALUE`` sets a
setting's variable (``PUBLIC_PAGE_CACHE=0``). The data are ``make bench-pages``'s.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "USE_X_FORWARDED_PROTO": "1",
    "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
    "API_RATE": "100000000/min",
    "LOG_LEVEL": "WARNING",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--token", action="store_true")
    parser.add_argument("--language", default="es")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--callers", default="", help="print the callers of these functions")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    os.environ.update(PRODUCTION)
    os.environ.update(dict(item.split("=", 1) for item in args.env))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    headers = {
        "HTTP_ACCEPT_LANGUAGE": args.language,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_HOST": "127.0.0.1",
    }
    if args.token:
        from oauth2_provider.models import AccessToken

        from cooperation.api.clients import partner_client_create
        from cooperation.models import Institution

        institution = Institution.objects.get(code="BENCH-BCN-00")
        credentials = partner_client_create(
            name=f"bench profile {time.time()}", scopes=["read"], institution=institution
        )
        token = AccessToken.objects.create(
            application=credentials.profile.application,
            token=f"bench-profile-{credentials.client_id}",
            scope="read",
            expires=timezone.now() + timedelta(hours=1),
        )
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token.token}"
        headers["HTTP_ACCEPT"] = "application/json"
    client = Client(**headers)

    def call() -> None:
        response = client.get(args.url)
        client.cookies.clear()  # every call as a new visitor
        if response.status_code != 200:
            raise SystemExit(f"{args.url} answered {response.status_code}")

    for _ in range(20):
        call()
    cpu, wall = [], []
    for _ in range(args.calls):
        started_cpu, started = time.process_time(), time.perf_counter()
        call()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    connection.force_debug_cursor = True
    connection.queries_log.clear()
    response = client.get(args.url)
    client.cookies.clear()
    statements = list(connection.queries)
    connection.force_debug_cursor = False
    print(
        f"{args.url}: CPU {statistics.median(cpu) * 1000:.2f} ms, wall "
        f"{statistics.median(wall) * 1000:.2f} ms per call (medians of {args.calls}); "
        f"load average {os.getloadavg()[0]:.1f}; {len(statements)} statements; "
        f"{len(response.content)} bytes"
    )
    for name, value in response.items():
        print(f"  {name}: {value[:100]}")
    for statement in statements:
        print(f"  {statement['time']} s  {statement['sql'][:160]}")
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(args.calls):
        call()
    profile.disable()
    stats = pstats.Stats(profile).sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
