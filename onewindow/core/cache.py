"""One Redis connection pool per process for the shared cache, whatever the thread.

Django keeps a cache object per thread (per asyncio context), and its Redis client keeps its
connection pools on that object. Under ASGI every request runs in a thread of its own, so
every request built a new pool and opened, greeted and dropped a new TCP connection to Redis
just to read one key (Django ticket #35651): on a cached public page that was most of the
page's cost. ``SharedConnectionPool`` is the ``pool_class`` option of the cache backend
(settings.CACHES): the first ``from_url`` of a process builds the pool, every later one with
the same URL and options returns it. redis-py's pool is thread-safe and starts afresh in a
forked child (it checks the pid), so gunicorn's workers never share a socket.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import redis


class SharedConnectionPool(redis.ConnectionPool):
    """``redis.ConnectionPool`` whose ``from_url`` returns one pool per URL and options."""

    _shared_pools: ClassVar[dict[str, redis.ConnectionPool]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        key = f"{url}\n{sorted(kwargs.items())!r}"
        pool = cls._shared_pools.get(key)
        if pool is None:
            with cls._shared_lock:
                pool = cls._shared_pools.get(key)
                if pool is None:
                    pool = cls._shared_pools[key] = super().from_url(url, **kwargs)
        return pool
