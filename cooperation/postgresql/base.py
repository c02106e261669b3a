"""Django's PostgreSQL backend, whose health check of a kept connection fails fast and is skipped
for a connection that has just answered.

A kept connection (``CONN_MAX_AGE``) is checked with ``SELECT 1`` before a request uses it. On a
frozen server that check would wait as long as a statement may; it waits only as long as a
connection may take to open, then Django opens a new one (which fails as fast, and the page
answers 503).

That check is a round trip of its own on every request: under load, one more wait for a share
of the cores for each page and each API call (``bench/pages.py``). A connection that served the
previous request without an error less than ``HEALTH_CHECK_GRACE_SECONDS`` ago is not asked
again, unless the server has written to it since: a restarted or stopped server, or a
terminated backend (``pg_terminate_backend``, an idle timeout), sends its farewell or closes the
socket, which is then readable, and the full check runs. What the grace gives up: a server that
froze within that second is found by the request's first statement (after the statement
timeout plus 2 s, ``cooperation/db.py``) instead of by the check.
"""

from __future__ import annotations

import select
import time

from django.conf import settings
from django.db.backends.postgresql import base

from cooperation import db

# Under load a worker's requests follow each other within milliseconds; an idle worker's next
# request, after this long, asks ``SELECT 1`` first as Django does.
HEALTH_CHECK_GRACE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    # When the connection last served a request without an error (time.monotonic()).
    answered_at: float | None = None
    # Django's own, set in BaseDatabaseWrapper.__init__ (the stubs do not declare them).
    health_check_done: bool
    health_check_enabled: bool

    def is_usable(self) -> bool:
        with db.deadline(settings.DATABASE_CONNECT_TIMEOUT):
            return bool(super().is_usable())

    def close_if_unusable_or_obsolete(self) -> None:
        # Django calls this when a request starts and when it ends. A request that opened a
        # cursor (health_check_done) and met no error leaves the connection known good.
        served = self.health_check_done and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if self.connection is None:
            self.answered_at = None
        elif served:
            self.answered_at = time.monotonic()

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._answered_just_now()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _answered_just_now(self) -> bool:
        """Tell whether the connection served a request a moment ago and the server has not
        written to it since (an idle connection receives nothing unless the server leaves)."""
        if self.answered_at is None or getattr(self, "pool", None):
            return False
        if time.monotonic() - self.answered_at >= HEALTH_CHECK_GRACE_SECONDS:
            return False
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
