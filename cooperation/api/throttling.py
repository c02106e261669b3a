"""Per-client request rates: each OAuth2 client (or signed-in person) has its own budget.

The count is one Redis counter per client and window (``API_RATE``, e.g. 600/min), raised
atomically: clients that send requests in parallel cannot slip past the limit, as they could
with DRF's default throttle, which reads a list of timestamps, appends to it and writes it back.
One round trip per request, whatever the rate. The price of a fixed window is that a client may
send up to twice its rate across the boundary of two windows.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from typing import Any

import redis
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


@functools.cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


# Raise the window's counter; the window's first request gives it its expiry. One script, run
# by Redis atomically: a pipeline did the same in one round trip too, but building one copies
# the client's table of reply callbacks, a tenth of a kept API page's CPU (bench/profile_pages.py).
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


@functools.cache
def _count_script() -> Any:
    return _redis().register_script(_COUNT)


def count_in_window(key: str, duration: int) -> tuple[int, int] | None:
    """Count one more request under ``key`` in the current fixed window of ``duration`` s.

    Return the count so far and the seconds left in the window, in one Redis round trip;
    None when Redis does not answer (the caller lets the request through, uncounted).
    """
    now = time.time()
    window = int(now // duration)
    key = f"{key}:{window}"
    try:
        count = _count_script()(keys=[key], args=[duration + 1], client=_redis())
    except redis.RedisError:
        logger.warning("Throttle: Redis unavailable; request not counted", exc_info=True)
        return None
    return int(count), max(1, math.ceil((window + 1) * duration - now))


class PerClientThrottle(SimpleRateThrottle):
    scope = "client"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = getattr(request, "auth", None)
        application_id = getattr(token, "application_id", None)
        if application_id is not None:
            ident = f"app-{application_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        return f"{prefix}:throttle:{self.scope}:{ident}"

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        counted = count_in_window(key, int(self.duration))
        if counted is None:
            # Without Redis the API still answers, uncounted (/readyz reports the outage),
            # rather than failing every call of every partner.
            self._wait = None
            return True
        count, left = counted
        if count <= self.num_requests:
            self._wait = None
            return True
        self._wait = left
        return False

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AnonymousThrottle(PerClientThrottle):
    """Requests without any credential, per address (``API_ANON_RATE``): the open reads.

    DRF's ``AnonRateThrottle`` in what it counts (anonymous callers, by address), with this
    module's atomic Redis counter instead of its list of timestamps.
    """

    scope = "anon"
    # Its own reference to the rates: a test (or anything) that swaps the per-client rates
    # leaves the anonymous one in place.
    THROTTLE_RATES = SimpleRateThrottle.THROTTLE_RATES

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if getattr(request, "auth", None) is not None or (
            request.user and request.user.is_authenticated
        ):
            return None
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        return f"{prefix}:throttle:{self.scope}:ip-{self.get_ident(request)}"
