"""Django's PostgreSQL backend, whose health check of a kept connection fails fast.

A kept connection (``CONN_MAX_AGE``) is checked with ``SELECT 1`` before a request uses it. On a
frozen server that check would wait as long as a statement may; it waits only as long as a
connection may take to open, then Django opens a new one (which fails as fast, and the page
answers 503).
"""

from __future__ import annotations

from django.conf import settings
from django.db.backends.postgresql import base

from cooperation import db


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        with db.deadline(settings.DATABASE_CONNECT_TIMEOUT):
            return bool(super().is_usable())
