"""Prometheus metrics at ``/metrics``, for the city's monitoring, behind a token or a network.

Requests and their latencies are counted by a middleware in each process (gunicorn's workers
share them through PROMETHEUS_MULTIPROC_DIR, set by config/gunicorn.py). What describes the
whole portal is read at each scrape: the length of each Celery queue, the workers alive per
queue, report runs by state and webhook deliveries by status (failed ones included).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "portal_http_requests_total",
    "HTTP requests answered, by method, view and status code.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and view.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class RequestMetricsMiddleware:
    """Count each request and time it, labelled by the view's name (bounded labels)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The route's name, never the path: ids in paths would make a label per object.
        view = (match.view_name if match else "") or "unresolved"
        method = request.method if request.method in _METHODS else "other"
        LATENCY.labels(method, view).observe(time.perf_counter() - started)
        REQUESTS.labels(method, view, str(response.status_code)).inc()
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class PortalCollector(Collector):
    """Read the state of queues, workers, reports and webhooks at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from cooperation.observability import workers_report

        queues = GaugeMetricFamily(
            "portal_celery_queue_length", "Messages waiting in each Celery queue.", labels=["queue"]
        )
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            for queue in settings.CELERY_QUEUES:
                queues.add_metric([queue], float(client.llen(queue)))
        except redis.RedisError:
            pass  # Redis down: the queue lengths are absent, /readyz says why
        finally:
            client.close()
        yield queues

        workers = GaugeMetricFamily(
            "portal_celery_workers",
            "Workers alive (heartbeat) consuming each queue.",
            labels=["queue"],
        )
        try:
            report = workers_report(timeout=1)
            for queue in settings.CELERY_QUEUES:
                count = sum(queue in w["queues"] for w in report["alive"].values())
                workers.add_metric([queue], float(count))
        except redis.RedisError:
            pass
        yield workers

        try:
            runs = _counts(("reports", "ReportRun"), "state")
            deliveries = _counts(("api", "WebhookDelivery"), "status")
        except DatabaseError:
            # The database down: the request and queue metrics still go out, /readyz says why.
            logger.warning("Metrics: the database did not answer", exc_info=True)
            return
        yield _family("portal_report_runs", "Report runs by state.", "state", runs)
        yield _family(
            "portal_webhook_deliveries", "Webhook deliveries by status.", "status", deliveries
        )
        failed = GaugeMetricFamily(
            "portal_webhook_deliveries_failed",
            "Webhook deliveries that gave up after their last attempt.",
        )
        failed.add_metric([], float(deliveries.get("failed", 0)))
        yield failed


def _counts(model: tuple[str, str], field: str) -> dict[str, int]:
    """Count the rows by the value of a choices field, every choice present (zeros too)."""
    model_class = apps.get_model(*model)
    choices = model_class._meta.get_field(field).choices or []
    counts = {str(value): 0 for value, _label in choices}
    for row in model_class._default_manager.order_by().values(field).annotate(n=Count("pk")):
        counts[str(row[field])] = row["n"]
    return counts


def _family(name: str, documentation: str, label: str, counts: dict[str, int]) -> Any:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in sorted(counts.items()):
        family.add_metric([value], float(count))
    return family


def _registry() -> Any:
    """Return the registry of this scrape: every process's counters plus the portal's state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(PortalCollector())
    return registry


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    networks = settings.METRICS_ALLOWED_NETWORKS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(n, strict=False) for n in networks)
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve the metrics to the monitoring (404 to anyone else: nothing to discover)."""
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
