"""Template context for every page: the emergency notices pinned until withdrawn."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import queries


def emergency_notices(request: HttpRequest) -> dict[str, object]:
    """``emergency_notices``: read (once, cached briefly) only by a page that shows them."""
    return {"emergency_notices": SimpleLazyObject(queries.pinned_emergency_notices)}
