"""The cache backend makes its Redis client once per process (``cooperation.cache``)."""

from __future__ import annotations

from django.core.cache import cache


def test_the_redis_client_is_made_once_and_the_cache_still_works():
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("kept-client-probe", {"a": 1}, timeout=5)
    assert cache.get("kept-client-probe") == {"a": 1}
    assert cache.get_many(["kept-client-probe", "absent"]) == {"kept-client-probe": {"a": 1}}
