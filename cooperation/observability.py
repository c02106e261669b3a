"""Request ids in logs and responses, and the Celery workers' heartbeat in Redis.

Every request gets an id (the client's ``X-Request-ID`` when it is a sane token, a new one
otherwise), returned as the ``X-Request-ID`` response header and written in every log record
of that request; tasks the request queued carry it in their message headers, so a worker's
logs name the request that asked for the work (config/celery.py connects the signals).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_META = "HTTP_X_REQUEST_ID"
# A proxy's or a client's id is kept if it looks like one (no log injection, bounded size).
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,100}")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    """Return the id of the request (or of the request that queued the task) being served."""
    return request_id.get()


def new_request_id(incoming: str | None = None) -> str:
    """Return ``incoming`` when it is a sane id, else a new random one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id, for its logs, its tasks and its response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = new_request_id(request.META.get(_META))
        token = request_id.set(value)
        request.request_id = value  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = value
        return response


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` (and ``task_id`` inside a Celery task) to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        if not hasattr(record, "task_id"):
            record.task_id = _current_task_id()
        return True


def _current_task_id() -> str:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - Celery is a dependency
        return ""
    task = current_task
    return str(getattr(getattr(task, "request", None), "id", "") or "") if task else ""


# --- Workers' heartbeat -----------------------------------------------------------------------
HEARTBEAT_KEY = "portal:celery:workers"
HEARTBEAT_SECONDS = 10
# A worker not heard of for this long is taken for gone (three missed beats).
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS
# Entries of workers gone for a day are dropped (renamed or removed machines).
_FORGET_SECONDS = 86400


def _client(timeout: float) -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )


def heartbeat_record(*, hostname: str, queues: list[str], now: float | None = None) -> None:
    """Record that a worker consuming ``queues`` is alive now (one field of a Redis hash)."""
    client = _client(2)
    try:
        client.hset(
            HEARTBEAT_KEY,
            hostname,
            json.dumps({"queues": sorted(queues), "at": time.time() if now is None else now}),
        )
    finally:
        client.close()


def heartbeat_forget(*, hostname: str) -> None:
    """Drop a worker that shuts down cleanly."""
    client = _client(2)
    try:
        client.hdel(HEARTBEAT_KEY, hostname)
    finally:
        client.close()


def workers_report(*, timeout: float = 0.4, now: float | None = None) -> dict[str, Any]:
    """Return the workers heard of recently, by name, and the queues no live worker consumes."""
    now = time.time() if now is None else now
    client = _client(timeout)
    try:
        entries = client.hgetall(HEARTBEAT_KEY)
        alive: dict[str, dict[str, Any]] = {}
        forgotten = []
        for raw_name, raw in entries.items():
            name = raw_name.decode() if isinstance(raw_name, bytes) else str(raw_name)
            try:
                beat = json.loads(raw)
            except ValueError:
                forgotten.append(name)
                continue
            age = now - float(beat.get("at", 0))
            if age > _FORGET_SECONDS:
                forgotten.append(name)
            elif age <= HEARTBEAT_STALE_SECONDS:
                alive[name] = {"queues": beat.get("queues", []), "seconds_ago": round(age, 1)}
        if forgotten:
            client.hdel(HEARTBEAT_KEY, *forgotten)
    finally:
        client.close()
    served = {queue for worker in alive.values() for queue in worker["queues"]}
    return {
        "alive": alive,
        "queues_without_worker": sorted(set(settings.CELERY_QUEUES) - served),
    }


class Heartbeat(threading.Thread):
    """Beat every HEARTBEAT_SECONDS while the worker runs (started by a worker bootstep)."""

    def __init__(self, *, hostname: str, queues: list[str]) -> None:
        super().__init__(name="portal-heartbeat", daemon=True)
        self.hostname = hostname
        self.queues = queues
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                heartbeat_record(hostname=self.hostname, queues=self.queues)
            except redis.RedisError:
                logging.getLogger(__name__).warning("Worker heartbeat not recorded", exc_info=True)
            self.stopped.wait(HEARTBEAT_SECONDS)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)
        with contextlib.suppress(redis.RedisError):
            heartbeat_forget(hostname=self.hostname)
