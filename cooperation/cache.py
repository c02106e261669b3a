"""Django's Redis cache with one client object per connection pool, made once per process.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call,
and building one copies the library's table of reply callbacks (some 170 entries): on a kept
public page or API list, whose work is one cache call, that was about a tenth of the CPU
(``bench/profile_pages.py``). A ``redis.Redis`` is safe to share between threads (each
command takes a connection from the pool), and a pool notices a fork and opens new
connections, so one client per pool is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    """A ``RedisCacheClient`` that makes each pool's ``redis.Redis`` once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class KeptClientRedisCache(RedisCache):
    """Django's Redis cache backend, with ``KeptClientRedisCacheClient``."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
