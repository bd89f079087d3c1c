"""CSRF protection without a token, for the two forms on every page (docs/adr/0014).

The language switch and the elderly-mode switch sit in the header of every public page. A
CSRF token in them would make every page different for every visitor and set a cookie, so
no page could be shared from a cache. They change only a preference cookie of the browser
that sends them, and they are protected by the request's origin instead, as browsers report
it and a page of another site cannot forge it:

1. ``Sec-Fetch-Site`` (every current browser): ``same-origin`` or ``none`` (typed by the
   user) passes; anything else must come with an ``Origin`` the site trusts;
2. else ``Origin``: this site or one of ``CSRF_TRUSTED_ORIGINS``;
3. else ``Referer`` (sent to this site by ``SECURE_REFERRER_POLICY = "same-origin"``): its
   origin must be this site or trusted;
4. else refused.

Every other form keeps Django's token (``CsrfViewMiddleware``). Django's test client skips
this check as it skips the token check, unless it is made with ``enforce_csrf_checks=True``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _trusted(request: HttpRequest, origin: str) -> bool:
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.get_host()}".lower()
    return origin.lower() in {own, *(o.lower() for o in settings.CSRF_TRUSTED_ORIGINS)}


def same_origin_reason(request: HttpRequest) -> str | None:
    """Why ``request`` may be a cross-site forgery, or None when it came from this site."""
    if request.method in _SAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site in {"same-origin", "none"}:
        return None
    if fetch_site is not None:
        if origin is not None and _trusted(request, origin):
            return None
        return f"cross-origin request (Sec-Fetch-Site: {fetch_site})"
    if origin is not None:
        return None if _trusted(request, origin) else f"untrusted origin {origin}"
    referer = request.headers.get("Referer")
    if referer:
        return None if _trusted(request, _origin_of(referer)) else "referer of another site"
    return "no Sec-Fetch-Site, Origin or Referer header"


def same_origin_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Exempt ``view`` from the CSRF token and refuse requests from another site instead."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reason = same_origin_reason(request)
        if reason is not None and not getattr(request, "_dont_enforce_csrf_checks", False):
            failure: Callable[..., HttpResponse] = get_callable(settings.CSRF_FAILURE_VIEW)
            return failure(request, reason=reason)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)
