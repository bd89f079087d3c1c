"""Rate limit of public verification: a counter per client address and minute in the shared
cache (Redis in production), so every web process and node counts together."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from onewindow.core.audit import client_ip

WINDOW_SECONDS = 60


def allow(request: HttpRequest, scope: str = "verify") -> bool:
    """Count one request of this client; False once it is over the limit for this minute."""
    limit = int(getattr(settings, "ONEWINDOW_LICENCE_VERIFY_PER_MINUTE", 30))
    if limit <= 0:
        return True
    window = int(time.time() // WINDOW_SECONDS)
    key = f"licences:rate:{scope}:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= limit
