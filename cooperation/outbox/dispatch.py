"""Hand the rows of the outbox tables to Celery: right after commit, and again from a sweep.

Each side effect is a row written in the transaction of the change that causes it (a webhook
delivery, an e-mail, a report run…). This module only tells the workers which rows to look
at. It never decides whether a row is done: the worker claims the row with a conditional
UPDATE (or a lease), so a message handed over twice is harmless, and a message lost by the
broker is handed over again by ``sweep`` (every minute, from beat). Nothing depends on Redis
keeping its data, and a broker that is down at commit costs a delay, never the change.

A kind of row is one ``register`` call, usually in its app's ``AppConfig.ready``::

    dispatch.register("report", task="reports.tasks.run_report", due=services.due_runs)

``task`` is a Celery task that takes the row's id; ``due(now)`` returns the ids that the sweep
should hand over now (pending past their grace period, retries whose time has come, claims
whose lease or heartbeat ran out). ``take_due`` helps tables with ``next_attempt_at``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# What a publish raises when Redis is down or unreachable.
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, redis.RedisError, OSError)


@dataclass(frozen=True)
class Kind:
    name: str
    task: str
    due: Callable[[datetime], Iterable[int]]
    argument: str = ""  # the task's keyword for the id; empty: the id is its first argument


REGISTRY: dict[str, Kind] = {}


def register(
    name: str, *, task: str, due: Callable[[datetime], Iterable[int]], argument: str = ""
) -> None:
    """Make a kind of outbox row known to the dispatcher and to the sweep."""
    REGISTRY[name] = Kind(name=name, task=task, due=due, argument=argument)


class _Breaker:
    """Skip the broker for a few seconds after it failed, so that a request that queues a
    thousand rows while Redis is down waits for one failed publish, not for a thousand."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self) -> bool:
        with self._lock:
            return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + settings.OUTBOX_BROKER_BACKOFF_SECONDS

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = _Breaker()


def publish(name: str, ids: Iterable[int]) -> int:
    """Give the rows' ids to their Celery task now; return how many were handed over.

    A broker error is logged, never raised: the rows are already committed and the sweep will
    hand them over once the broker is back.
    """
    kind = REGISTRY[name]
    ids = list(ids)
    if not ids:
        return 0
    if breaker.is_open():
        logger.warning("Broker unavailable: %d %s row(s) left for the sweep", len(ids), name)
        return 0
    task: Any = import_string(kind.task)
    # Eager mode (tests, debugging) runs the task here: its own errors are not the broker's.
    eager = bool(task.app.conf.task_always_eager)
    sent = 0
    for pk in ids:
        try:
            task.apply_async(
                args=[] if kind.argument else [pk],
                kwargs={kind.argument: pk} if kind.argument else {},
                retry=True,
                retry_policy=settings.OUTBOX_PUBLISH_RETRY,
            )
        except BROKER_ERRORS as error:
            if eager:
                raise
            breaker.trip()
            logger.warning(
                "Broker unavailable (%s: %s): %d %s row(s) left for the sweep",
                type(error).__name__,
                error,
                len(ids) - sent,
                name,
            )
            break
        sent += 1
    return sent


def dispatch(name: str, ids: Iterable[int]) -> None:
    """Hand the rows over once the current transaction commits (at once outside one)."""
    ids = list(ids)
    if ids:
        transaction.on_commit(partial(publish, name, ids))


def sweep(names: Iterable[str] | None = None) -> dict[str, int]:
    """Hand over again every row that is still due; return how many per kind."""
    now = timezone.now()
    handed: dict[str, int] = {}
    for name in names or sorted(REGISTRY):
        ids = list(REGISTRY[name].due(now))
        handed[name] = publish(name, ids)
        if len(ids) > handed[name]:
            break  # the broker is down: the next sweep will try again
    return handed


def grace() -> timedelta:
    """How long a new row waits for its after-commit hand-over before the sweep takes it."""
    return timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)


def take_due(queryset: QuerySet[Any], now: datetime, *, limit: int | None = None) -> list[int]:
    """Return the ids of rows whose ``next_attempt_at`` has come and that no worker holds.

    The rows taken get ``next_attempt_at`` one grace period on, so that rows waiting in a long
    queue are not handed over again every minute; ``skip_locked`` keeps two sweeps from
    taking the same rows.
    """
    limit = limit or settings.OUTBOX_SWEEP_BATCH
    with transaction.atomic():
        ids = list(
            queryset.filter(next_attempt_at__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            queryset.model._default_manager.filter(pk__in=ids).update(next_attempt_at=now + grace())
    return ids
