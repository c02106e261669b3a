"""Request ids in logs, responses and tasks; Prometheus metrics; workers' heartbeat; Sentry."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from config.celery import app
from cooperation import observability
from cooperation.observability import RequestIdFilter, RequestIdMiddleware
from reports.models import ReportRun

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _json_handler(stream: io.StringIO) -> logging.Handler:
    """The console handler of settings.LOGGING in its JSON form, writing to ``stream``."""
    from pythonjsonlogger.json import JsonFormatter

    formatters: dict = settings.LOGGING["formatters"]
    options = {k: v for k, v in formatters["json"].items() if k != "()"}
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestIdFilter())
    return handler


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    generated = client.get("/healthz")
    assert len(generated["X-Request-ID"]) == 32
    assert client.get("/healthz")["X-Request-ID"] != generated["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234-abcd"})
    assert kept["X-Request-ID"] == "proxy-1234-abcd"
    # A value that could forge log lines is replaced.
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" level="ERROR'})
    assert forged["X-Request-ID"] != 'x" level="ERROR' and len(forged["X-Request-ID"]) == 32
    assert client.get("/no-such-page/")["X-Request-ID"]  # errors too


def test_logs_of_a_request_are_json_lines_naming_its_id():
    stream = io.StringIO()
    logger = logging.getLogger("tests.ops.request")
    logger.addHandler(handler := _json_handler(stream))
    logger.setLevel(logging.INFO)
    try:

        def view(request):
            logger.info("serving %s", request.path)
            return HttpResponse("ok")

        response = RequestIdMiddleware(view)(RequestFactory().get("/projects/"))
        logger.info("after the request")
    finally:
        logger.removeHandler(handler)
    during, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert during["message"] == "serving /projects/"
    assert during["level"] == "INFO" and during["logger"] == "tests.ops.request"
    assert during["request_id"] == response["X-Request-ID"]
    assert "time" in during
    assert after["request_id"] == ""


seen: list[dict[str, str]] = []


@app.task(name="tests.ops.probe_request_id")
def probe_request_id() -> str:
    stream = io.StringIO()
    probe_logger = logging.getLogger("tests.ops.task")
    probe_logger.addHandler(handler := _json_handler(stream))
    probe_logger.setLevel(logging.INFO)
    try:
        probe_logger.info("in the task")
    finally:
        probe_logger.removeHandler(handler)
    seen.append(
        {"request_id": observability.current_request_id(), "log": stream.getvalue().strip()}
    )
    return "done"


@pytest.fixture
def real_worker(settings, transactional_db):
    """A real Celery worker (threads) on the embedded Redis, not eager mode.

    Its tests are marked serialized_rollback: a flush without it would leave the content
    types that later transactional tests restore twice.
    """
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
    ) as worker:
        yield worker


def _wait(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_queued_by_a_request_logs_with_the_request_id(real_worker):
    seen.clear()

    def view(request):
        probe_request_id.delay()
        return HttpResponse("queued")

    response = RequestIdMiddleware(view)(RequestFactory().get("/reports/"))
    _wait(lambda: seen)
    assert seen[0]["request_id"] == response["X-Request-ID"]
    record = json.loads(seen[0]["log"])
    assert record["request_id"] == response["X-Request-ID"]
    assert record["task_id"]  # and the task's own id
    # A task queued outside any request (beat's) gets an id of its own.
    seen.clear()
    probe_request_id.delay()
    _wait(lambda: seen)
    assert seen[0]["request_id"] not in ("", response["X-Request-ID"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_reports_the_heartbeat_of_live_workers(real_worker, client):
    def alive():
        return client.get("/readyz").json()["workers"]["alive"]

    _wait(lambda: real_worker.hostname in alive())
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert alive()[real_worker.hostname]["queues"] == sorted(settings.CELERY_QUEUES)
    assert body["workers"]["queues_without_worker"] == []


def test_readyz_names_the_queues_no_live_worker_consumes(client):
    client_redis = observability._client(1)
    client_redis.delete(observability.HEARTBEAT_KEY)
    observability.heartbeat_record(hostname="celery@old", queues=["reports"], now=time.time() - 60)
    observability.heartbeat_record(hostname="celery@mail", queues=["email"])
    try:
        response = client.get("/readyz")
        assert response.status_code == 200  # reported, never a reason to leave the pool
        workers = response.json()["workers"]
        assert set(workers["alive"]) == {"celery@mail"}
        assert workers["queues_without_worker"] == ["celery", "reports", "webhooks"]
    finally:
        client_redis.delete(observability.HEARTBEAT_KEY)
        client_redis.close()


# --- Metrics -----------------------------------------------------------------------------------


def test_metrics_are_off_without_a_token_or_network(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token_or_an_allowed_network(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert client.get("/metrics").status_code == 200


def _sample(text: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    raise AssertionError(f"{name} {labels} not in the metrics")


def test_metrics_count_requests_queues_report_runs_and_failed_deliveries(
    client, settings, institution_bcn
):
    from cooperation.api.clients import partner_client_create
    from cooperation.api.models import WebhookDelivery, WebhookEndpoint

    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_NETWORKS = []
    ReportRun.objects.create(kind="institutions", format="csv", state="failed")
    ReportRun.objects.create(kind="institutions", format="csv", state="failed")
    ReportRun.objects.create(kind="institutions", format="csv", state="succeeded")
    partner = partner_client_create(
        name="UPC", scopes=["read", "webhooks"], institution=institution_bcn
    )
    endpoint = WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/h",
        events=["project.created"],
        secret="s",
    )
    for status in ("failed", "failed", "failed", "delivered"):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"m-{status}-{time.time_ns()}",
            event="project.created",
            payload={},
            status=status,
        )
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("reports")
    broker.rpush("reports", b"{}", b"{}")
    try:
        for _ in range(3):
            client.get("/healthz")
        text = client.get(
            "/metrics", headers={"Authorization": "Bearer s3cret-token"}
        ).content.decode()
    finally:
        broker.delete("reports")
        broker.close()
    assert _sample(text, "portal_http_requests_total", view="healthz", status="200") >= 3
    assert _sample(text, "portal_http_request_duration_seconds_count", view="healthz") >= 3
    assert _sample(text, "portal_celery_queue_length", queue="reports") == 2
    assert _sample(text, "portal_celery_queue_length", queue="email") == 0
    assert _sample(text, "portal_report_runs", state="failed") == 2
    assert _sample(text, "portal_report_runs", state="succeeded") == 1
    assert _sample(text, "portal_report_runs", state="running") == 0
    assert _sample(text, "portal_webhook_deliveries_failed") == 3
    assert _sample(text, "portal_webhook_deliveries", status="delivered") == 1
    assert "portal_celery_workers" in text


# --- Sentry ------------------------------------------------------------------------------------


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if self.headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            body = b"(brotli)"
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_errors_are_reported_to_sentry_when_sentry_dsn_is_set():
    """A Sentry-compatible collector on loopback receives the error a process logs."""
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Collector.received = []
    try:
        env = {
            **os.environ,
            "DEBUG": "1",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/42",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        script = (
            "import django, logging, sentry_sdk; django.setup(); "
            "logging.getLogger('portal.probe').error('sentry probe %s', 7); "
            "sentry_sdk.flush(10)"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    finally:
        server.shutdown()
    paths = [path for path, _body in _Collector.received]
    assert any(path.startswith("/api/42/") for path in paths), paths
    assert any(b"sentry probe" in body for _path, body in _Collector.received)


def test_without_sentry_dsn_nothing_is_sent():
    import sentry_sdk

    assert not settings.SENTRY_DSN
    assert sentry_sdk.get_client().is_active() is False
