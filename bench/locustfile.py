"""The mixed load of ``make bench-load``: visitors of the catalogue and partner systems.

Run by ``bench/load.py``, which starts the portal under gunicorn and passes, in the
environment, the bearer token (``BENCH_TOKEN``), public project codes (``BENCH_CODES``), the
cities' ids (``BENCH_CITIES``) and the number of catalogue pages (``BENCH_PAGES``). Each
simulated user waits one to two seconds between calls, as a person or a polling system does.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

CODES = os.environ.get("BENCH_CODES", "").split(",")
CITIES = os.environ.get("BENCH_CITIES", "").split(",")
PAGES = int(os.environ.get("BENCH_PAGES", "1"))
TOKEN = os.environ.get("BENCH_TOKEN", "")
WORDS = ["agua", "ciudad", "salud", "escuela", "datos", "robótica mujeres", "clima", "huerto"]
STATUSES = ["proposed", "approved", "active", "completed"]
# Behind the Compose proxy: the portal's production settings redirect plain HTTP otherwise.
PROXY = {"X-Forwarded-Proto": "https"}


class Visitor(HttpUser):
    """Somebody browsing the public catalogue, in Spanish, Catalan or English."""

    weight = 4
    wait_time = between(1, 2)

    def on_start(self) -> None:
        language = random.choice(["es", "es", "ca", "en"])  # noqa: S311
        self.client.headers.update({**PROXY, "Accept-Language": language})

    @task(4)
    def first_page(self) -> None:
        self.client.get("/projects/", name="catalogue")

    @task(2)
    def filters(self) -> None:
        city, status = random.choice(CITIES), random.choice(STATUSES)  # noqa: S311
        self.client.get(f"/projects/?city={city}&status={status}", name="catalogue filters")

    @task(2)
    def search(self) -> None:
        self.client.get(f"/projects/?q={random.choice(WORDS)}", name="catalogue search")  # noqa: S311

    @task(1)
    def deep_page(self) -> None:
        page = random.randint(2, PAGES)  # noqa: S311
        self.client.get(f"/projects/?page={page}", name="catalogue page N")

    @task(3)
    def detail(self) -> None:
        self.client.get(f"/projects/{random.choice(CODES)}/", name="project page")  # noqa: S311


class Partner(HttpUser):
    """A partner system reading the API with its bearer token."""

    weight = 1
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.client.headers.update(
            {**PROXY, "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
        )

    @task(2)
    def projects(self) -> None:
        self.client.get("/api/v1/projects/?page_size=100", name="API list")

    @task(1)
    def project(self) -> None:
        self.client.get(f"/api/v1/projects/{random.choice(CODES)}/", name="API detail")  # noqa: S311
