"""Fail fast on a database that does not answer: timeouts on every connection.

PostgreSQL enforces ``statement_timeout`` itself, but a server that is frozen (a stopped
process, a host under swap, a network that drops packets) enforces nothing, and the kernel
keeps acknowledging the TCP stream of a stopped process, so keepalives see nothing wrong
either. So the client waits too: psycopg2 calls ``_wait`` whenever libpq would block, and
``_wait`` gives up after the connect timeout (while connecting) or the statement timeout plus
a margin (for a query), which closes the connection and raises ``OperationalError``. The
portal then answers 503 (``cooperation.views.server_error``).

Web requests get the short statement timeout of the settings; Celery workers, beat and
management commands call ``use_worker_timeouts`` and get the long one.
"""

from __future__ import annotations

import contextlib
import select
import threading
import time
from collections.abc import Iterator

import psycopg2
from psycopg2 import extensions

# The server's statement_timeout should fire first; the client gives up only this much later.
CLIENT_MARGIN_SECONDS = 2.0


class _Limits(threading.local):
    override: float | None = None


_limits = _Limits()
_state = {"connect": 3.0, "query": 12.0}


def options(*, connect_timeout: int, statement_timeout: int) -> dict[str, object]:
    """Return the OPTIONS of a database connection with these timeouts (seconds)."""
    return {
        "connect_timeout": connect_timeout,
        "options": f"-c statement_timeout={statement_timeout * 1000}",
    }


def set_limits(*, connect_timeout: float, statement_timeout: float) -> None:
    """Set how long the client waits for the server, for every connection of the process."""
    _state["connect"] = float(connect_timeout)
    _state["query"] = float(statement_timeout) + CLIENT_MARGIN_SECONDS


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Wait at most ``seconds`` for each answer of the database in this block (this thread).

    A deadline inside another one can only shorten it.
    """
    previous = _limits.override
    _limits.override = seconds if previous is None else min(previous, seconds)
    try:
        yield
    finally:
        _limits.override = previous


def _wait(conn: extensions.connection) -> None:
    connecting = conn.status == extensions.STATUS_SETUP
    limit = _limits.override or (_state["connect"] if connecting else _state["query"])
    end = time.monotonic() + limit
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        left = end - time.monotonic()
        if left <= 0:
            what = "connect to" if connecting else "answer from"
            raise psycopg2.OperationalError(
                f"No {what} the database within {limit:g} s (the client gave up)."
            )
        if state == extensions.POLL_READ:
            select.select([conn.fileno()], [], [], left)
        elif state == extensions.POLL_WRITE:
            select.select([], [conn.fileno()], [], left)
        else:  # pragma: no cover - psycopg2 returns only the states above
            raise psycopg2.OperationalError(f"Unexpected poll state {state}.")


def install() -> None:
    """Make psycopg2 wait through ``_wait`` (COPY is not available while it does)."""
    extensions.set_wait_callback(_wait)


@contextlib.contextmanager
def without_client_timeouts() -> Iterator[None]:
    """Let psycopg2 block as it does by default, for COPY (benchmarks' data generation)."""
    extensions.set_wait_callback(None)
    try:
        yield
    finally:
        install()


def use_worker_timeouts() -> None:
    """Give this process the workers' statement timeout (Celery, beat, management commands)."""
    from django.conf import settings
    from django.db import connections

    statement = settings.WORKER_DATABASE_STATEMENT_TIMEOUT
    for alias in connections:
        connection = connections[alias]
        connection.settings_dict.setdefault("OPTIONS", {}).update(
            options(connect_timeout=settings.DATABASE_CONNECT_TIMEOUT, statement_timeout=statement)
        )
        connection.close()  # the next query connects with the new options
    set_limits(connect_timeout=settings.DATABASE_CONNECT_TIMEOUT, statement_timeout=statement)
