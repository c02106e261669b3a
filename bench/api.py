"""Benchmark the API's project list against a raw-SQL view returning the same JSON.

    make bench-api                        # 100,000 projects in var/bench (generated once)
    make bench-api BENCH_ARGS="--projects 20000 --rounds 20"

Both are served by the same Django process, through the same middleware, from the same
PostgreSQL server. The API answers ``GET /api/v1/projects/?page_size=100`` for a partner
client (OAuth2 token, scopes, filters, cursor pagination, serializers); the baseline view
builds the same page of JSON in one SQL statement (json_agg) and returns it untouched. The
two pages must be equal, row for row and field for field, before anything is timed. The ratio is
the API's throughput as a share of the raw-SQL view's (1.0 = as fast).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone


def _medians_ms(first, second, rounds: int) -> tuple[float, float]:
    """Time two calls in alternation, so that the machine's drifts weigh on both alike."""
    first(), second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for function, times in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from oauth2_provider.models import AccessToken

    from bench.catalogue import generate
    from cooperation.api.clients import partner_client_create
    from cooperation.models import Institution

    call_command("migrate", verbosity=0)
    generate(args.projects)
    setup_test_environment()
    settings.DEBUG = False
    settings.ROOT_URLCONF = "bench.raw_urls"
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"client": "1000000/min"}
    from cooperation.api.throttling import PerClientThrottle

    PerClientThrottle.THROTTLE_RATES = {"client": "1000000/min"}
    institution = Institution.objects.get(code="BENCH-BCN-00")
    credentials = partner_client_create(
        name=f"bench {time.time()}", scopes=["read"], institution=institution
    )
    token = AccessToken.objects.create(
        application=credentials.profile.application,
        token=f"bench-{credentials.client_id}",
        scope="read",
        expires=timezone.now() + timedelta(hours=2),
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.token}", HTTP_ACCEPT="application/json")
    raw = Client(HTTP_ACCEPT="application/json")
    scenarios = [
        ("first page", "", ""),
        ("status=active", "&status=active", "&status=active"),
    ]
    print(f"\n{args.projects} projects; pages of 100; {args.rounds} rounds; medians\n")
    heading = ("scenario", "API ms", "raw ms", "API req/s", "raw req/s", "ratio")
    print("{:<14} {:>8} {:>8} {:>10} {:>10} {:>6}".format(*heading))
    for name, api_query, raw_query in scenarios:
        api_url = f"/api/v1/projects/?page_size=100{api_query}"
        raw_url = f"/raw/projects/?institution={institution.pk}{raw_query}"
        api_body = client.get(api_url).json()
        raw_body = json.loads(raw.get(raw_url).content)
        if api_body["results"] != raw_body["results"]:
            raise SystemExit(f"{name}: the API and the raw view disagree")
        api_ms, raw_ms = _medians_ms(
            lambda url=api_url: client.get(url), lambda url=raw_url: raw.get(url), args.rounds
        )
        print(
            f"{name:<14} {api_ms:>8.1f} {raw_ms:>8.1f} {1000 / api_ms:>10.1f} "
            f"{1000 / raw_ms:>10.1f} {raw_ms / api_ms:>6.2f}"
        )


if __name__ == "__main__":
    main()
