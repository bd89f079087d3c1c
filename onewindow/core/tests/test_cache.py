"""The shared cache's Redis pool: one per process, whichever thread asks (core/cache.py)."""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache

from onewindow.core.cache import SharedConnectionPool

OPTIONS = {"pool_class": "onewindow.core.cache.SharedConnectionPool"}


def _pool_seen_by_a_new_thread(location: str) -> object:
    """What a request thread gets: a cache object of its own (Django makes one per thread)
    and the pool its client reads from. Building the pool opens no connection."""
    found: list[object] = []

    def request() -> None:
        backend = RedisCache(location, {"OPTIONS": OPTIONS})
        found.append(backend._cache._get_connection_pool(write=False))

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    return found[0]


def test_every_thread_of_a_process_reads_through_one_pool() -> None:
    first = _pool_seen_by_a_new_thread("redis://127.0.0.1:6399/5")
    second = _pool_seen_by_a_new_thread("redis://127.0.0.1:6399/5")
    assert first is second
    assert isinstance(first, SharedConnectionPool)


def test_another_server_or_database_has_its_own_pool() -> None:
    base = _pool_seen_by_a_new_thread("redis://127.0.0.1:6399/5")
    assert _pool_seen_by_a_new_thread("redis://127.0.0.1:6399/6") is not base
    assert _pool_seen_by_a_new_thread("redis://127.0.0.2:6399/5") is not base


def test_djangos_own_client_would_build_a_pool_per_thread() -> None:
    """Why the option exists: without it each request's cache object has its own pool."""
    pools = []
    for _ in range(2):
        backend = RedisCache("redis://127.0.0.1:6399/5", {})
        pools.append(backend._cache._get_connection_pool(write=False))
    assert pools[0] is not pools[1]
