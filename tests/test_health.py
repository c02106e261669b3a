"""Liveness and readiness probes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_when_database_and_redis_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_answers_503_naming_redis_when_it_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert "ConnectionError" in body["checks"]["redis"]


def test_readyz_answers_503_naming_the_database_when_it_fails(client, monkeypatch):
    from cooperation import views

    def broken_cursor():
        raise OSError("database down")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_probes_refuse_other_methods(client):
    assert client.post("/healthz").status_code == 405


# --- Fail fast, and say so ---------------------------------------------------------------------

import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from django.db import OperationalError  # noqa: E402
from django.test import Client  # noqa: E402


@contextmanager
def black_hole():
    """A TCP port on loopback that accepts connections and never answers (a frozen server)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


@pytest.fixture
def database_down(monkeypatch):
    """Return a function after which every statement fails as when PostgreSQL is unreachable."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    def _down() -> None:
        monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
        monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", refuse)

    return _down


def test_pages_answer_503_in_the_visitors_language_when_the_database_is_down(
    database_down, official_cdmx
):
    client = Client(HTTP_ACCEPT_LANGUAGE="ca", raise_request_exception=False)
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="ca", raise_request_exception=False)
    signed_in.force_login(official_cdmx)
    database_down()
    assert signed_in.get("/admin/").status_code == 503  # the session cannot be read
    for path in ("/", "/projects/", "/calls/"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert '<html lang="ca">' in page
        assert "No disponible temporalment" in page
        assert "Server Error" not in page


def test_the_api_answers_503_problem_details_when_the_database_is_down(database_down):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    database_down()
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION="Bearer some-token")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["status"] == 503
    assert body["type"].endswith("/unavailable")
    assert "Retry-After" in body["detail"]


def test_a_redis_outage_is_a_503_too(monkeypatch):
    import redis

    def down(*args, **kwargs):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr("cooperation.views.render", down)
    response = Client(HTTP_ACCEPT_LANGUAGE="es", raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "No disponible temporalmente" in response.content.decode()


def test_a_bug_is_still_a_500(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr("cooperation.views.render", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_client_gives_up_on_a_database_that_never_answers():
    import psycopg2

    from cooperation import db

    with black_hole() as port, db.deadline(0.3):
        started = time.monotonic()
        with pytest.raises(psycopg2.OperationalError, match=r"within 0\.3 s"):
            psycopg2.connect(host="127.0.0.1", port=port, user="x", dbname="x")
        assert time.monotonic() - started < 1


def test_readyz_answers_within_a_second_when_the_database_hangs(client, monkeypatch):
    from django.db import connections

    from cooperation import views

    with black_hole() as port:
        hung = connections.create_connection("default")
        hung.settings_dict = {**hung.settings_dict, "HOST": "127.0.0.1", "PORT": str(port)}
        monkeypatch.setattr(views, "connection", hung)
        started = time.monotonic()
        response = client.get("/readyz")
        took = time.monotonic() - started
        hung.close()
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert took < 1


def test_web_connections_have_the_short_statement_timeout():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10s"


def test_commands_and_workers_get_the_long_statement_timeout():
    # manage.py commands (and, through the same function, Celery workers and beat).
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DEBUG": "1"},
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "10min"
