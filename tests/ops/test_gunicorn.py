"""Gunicorn from config/gunicorn.py: workers from the CPUs, recycling, a JSON access log."""

from __future__ import annotations

import gc
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn.py"


def _load(monkeypatch, **env: str) -> dict:
    # The config sets PROMETHEUS_MULTIPROC_DIR when unset: keep it out of this process.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/nonexistent-metrics")
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_workers_follow_the_cpus_unless_the_environment_says_otherwise(monkeypatch):
    config = _load(monkeypatch)
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert _load(monkeypatch, GUNICORN_WORKERS="7")["workers"] == 7


def test_timeouts_and_recycling_with_jitter(monkeypatch):
    config = _load(monkeypatch)
    assert (config["timeout"], config["graceful_timeout"]) == (30, 30)
    assert config["max_requests"] == 1000 and config["max_requests_jitter"] == 100
    assert config["preload_app"] is True
    assert config["logger_class"] == "config.gunicorn.JsonLogger"
    changed = _load(monkeypatch, GUNICORN_TIMEOUT="60", GUNICORN_MAX_REQUESTS="0")
    assert (changed["timeout"], changed["max_requests"]) == (60, 0)


def test_a_malformed_value_stops_start_up_naming_the_variable(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS"):
        _load(monkeypatch, GUNICORN_WORKERS="many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS"):
        _load(monkeypatch, GUNICORN_WORKERS="0")


def test_the_preloaded_application_is_frozen_before_forking(monkeypatch):
    config = _load(monkeypatch)
    gc.unfreeze()
    try:
        config["post_worker_init"](SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
        assert gc.get_freeze_count() == 0  # the master froze it already: nothing to do
        config["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        config["post_worker_init"](SimpleNamespace(cfg=SimpleNamespace(preload_app=False)))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_gunicorn_serves_the_health_probes_and_logs_json(tmp_path):
    """The real server, as the Dockerfile starts it: /readyz answers 200 (Compose's probe)."""
    from django.db import connection

    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DEBUG": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "METRICS_TOKEN": "scrape-token-1",
        # The test database (migrated), which the scrape reads.
        "DATABASE_URL": (
            os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        ),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "config.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.3)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/readyz?probe=1", headers={"Host": "localhost"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http://
                assert response.status == 200
            # Two workers answer the probes; the scrape sums the counters of both.
            for _ in range(6):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
            scrape = urllib.request.Request(
                f"http://127.0.0.1:{port}/metrics",
                headers={"Host": "localhost", "Authorization": "Bearer scrape-token-1"},
            )
            with urllib.request.urlopen(scrape, timeout=10) as response:  # noqa: S310 - http://
                metrics = response.read().decode()
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    # Gunicorn's own messages are JSON too.
    assert any(line.get("logger") == "gunicorn.error" for line in lines), log.read_text()
    ready = [line for line in access if line["path"] == "/readyz"]
    assert ready, log.read_text()
    assert ready[-1]["status"] == 200
    assert ready[-1]["query"] == "probe=1"
    assert ready[-1]["method"] == "GET"
    assert isinstance(ready[-1]["duration_ms"], float)
    assert len(ready[-1]["request_id"]) == 32  # the id the portal returned
    healthz = [
        line
        for line in metrics.splitlines()
        if line.startswith("portal_http_requests_total{") and 'view="healthz"' in line
    ]
    assert healthz and float(healthz[0].rsplit(" ", 1)[1]) >= 7
