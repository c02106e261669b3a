"""The embedded PostgreSQL and Redis start, answer, keep their data and stop."""

from __future__ import annotations

import psutil
import psycopg2
import redis

from devtools.embedded import EmbeddedPostgres, EmbeddedRedis, services


def _gone(pid: int) -> bool:
    """A stopped server is gone, or a zombie waiting for this process to reap it."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_embedded_redis_starts_keeps_data_and_stops(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis")
    url = server.start()
    client = redis.Redis.from_url(url)
    assert client.ping()
    client.set("kept", "yes")
    pid = server.process.pid
    server.stop()
    assert _gone(pid)
    # A second start on the same directory finds the data again (append-only file).
    again = EmbeddedRedis(tmp_path / "redis")
    client = redis.Redis.from_url(again.start())
    try:
        assert client.get("kept") == b"yes"
    finally:
        again.stop()


def test_embedded_postgres_starts_answers_and_stops(tmp_path):
    server = EmbeddedPostgres(tmp_path / "pg")
    url = server.start()
    import dj_database_url

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(dbname=config["NAME"], user=config["USER"], host=config["HOST"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("16")
    connection.close()
    pid = server.pid
    assert pid and psutil.pid_exists(pid)
    server.stop()
    assert _gone(pid)


def test_services_use_configured_urls_instead_of_starting_servers(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/x")
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/0")
    with services(tmp_path, quiet=True) as env:
        assert env["DATABASE_URL"] == "postgres://u@db.example/x"
        assert env["REDIS_URL"] == "redis://redis.example:6379/0"
    assert not (tmp_path / "postgres").exists()
    assert not (tmp_path / "redis").exists()


def test_the_launcher_is_a_development_tool_left_out_of_the_installed_package():
    import tomllib
    from pathlib import Path

    from setuptools import find_packages

    root = Path(__file__).resolve().parent.parent
    found = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    installed = set(find_packages(where=str(root), **found["packages"]["find"]))
    assert {"config", "cooperation", "projects", "exchanges", "reports", "demo"} <= installed
    assert not {name for name in installed if name.split(".")[0] == "devtools"}
    # The production image leaves it out too.
    assert "devtools" in (root / ".dockerignore").read_text().split()
