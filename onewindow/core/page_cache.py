"""A shared cache of the public pages as anonymous visitors see them (docs/adr/0014).

The guide pages, the item search, the home page and the department and theme pages are the
same for every visitor without a session, and they are most of the online hall's traffic.
``PublicPageCacheMiddleware`` sits just inside WhiteNoise, before sessions, CSRF and
authentication: a stored page costs a URL resolution and two values read from the shared
cache (one round trip) instead of the ORM and the templates. A request for any other view
costs the resolution only: the cache is asked only for the decorated views' paths.

What is stored:
  only responses of views decorated with ``cache_public_page``, to a GET without a session,
  with status 200, no ``Set-Cookie``, no CSRF token (the view never called ``get_token``),
  no signed-in user, no ``Cache-Control: private`` or ``no-store``, and a ``Vary`` naming
  only what the key holds.

The key: scheme, host, full path with the query string, the language (from the language
cookie or ``Accept-Language``, as ``LocaleMiddleware`` resolves it), the cookies of
``ONEWINDOW_PAGE_CACHE_KEY_COOKIES`` (elderly mode, 适老化), the htmx request headers, and a
fingerprint of the code, templates, translations and static manifest (a new release never
serves an old release's pages). A request that carries any other cookie (a session, a flash
message), except the CSRF cookie and ``ONEWINDOW_PAGE_CACHE_IGNORED_COOKIES``, or an
``Authorization`` header is never served from the cache nor stored.

Invalidation: every stored page carries the *public content generation* it was rendered
under, and a hit must carry the current one. ``track()`` connects the models the pages show
(catalog, org, disclosure notices): a save or delete of one of them sets a new generation at
once and again when its transaction commits, the way ``core.calendar`` does. A page rendered
from the old rows before the commit is stored under the generation it read *before* it
rendered, so it can never be served after the commit. ``ONEWINDOW_PAGE_CACHE_SECONDS`` (60 by
default) bounds the life of every page, for what no signal sees (a row changed outside the
application); 0 turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language_from_request

log = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
KEY_PREFIX = "pages:"
HEADER = "X-Cache"  # hit or miss, on the pages this cache handles
# Request headers a public page may vary on besides language and cookies (htmx fragments).
KEY_HEADERS = ("HX-Request", "HX-History-Restore-Request")
# What a storable response may name in Vary: all of it is in the key.
VARY_IN_KEY = frozenset({"accept-language", "cookie"} | {h.lower() for h in KEY_HEADERS})
_MARK = "_onewindow_public_page"
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_COMPRESS_LEVEL = 6


# --- the public content generation ---------------------------------------------------------


def bump_generation() -> None:
    """Make every stored page stale: the next request for it renders it again."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def _changed(sender: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """A tracked row changed: stale at once (for this transaction's own reads) and again on
    commit (for every other process, which could have rendered the old rows meanwhile)."""
    bump_generation()
    pending = getattr(connections[using], "run_on_commit", None) or []
    if any(callback is bump_generation for _sids, callback, _robust in pending):
        return  # one bump per transaction is enough: a bulk import saves thousands of rows
    transaction.on_commit(bump_generation, using=using)


def track(*tracked: type[models.Model]) -> None:
    """Bump the generation whenever a row of these models (or of their many-to-many
    relations) is saved or deleted: the public pages show them."""
    for model in tracked:
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=f"pages:save:{label}")
        post_delete.connect(
            _changed, sender=model, weak=False, dispatch_uid=f"pages:delete:{label}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is None:
                continue
            m2m_changed.connect(
                _changed,
                sender=through,
                weak=False,
                dispatch_uid=f"pages:m2m:{through._meta.label_lower}",
            )


def track_app(app: AppConfig, *, exclude: Iterable[type[models.Model]] = ()) -> None:
    """``track`` every model of ``app`` but those excluded (tables written in bulk that the
    pages never read directly, such as a search index's postings)."""
    skipped = set(exclude)
    track(*(model for model in app.get_models() if model not in skipped))


def _current_generation(found: str | None) -> str:
    if found is not None:
        return found
    generation = secrets.token_hex(8)
    # add(): when processes race, one token wins and all of them store under it
    if not cache.add(GENERATION_KEY, generation, timeout=None):
        generation = cache.get(GENERATION_KEY) or generation
    return generation


def current_generation() -> str:
    """The public content generation now (set if there is none yet): what is kept from the
    tracked rows outside this module, such as the footer's centre, is kept under it."""
    return _current_generation(cache.get(GENERATION_KEY))


# --- the views that may be stored ----------------------------------------------------------


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let ``PublicPageCacheMiddleware`` store this view's responses to anonymous visitors.

    Put it on a page that is the same for every visitor without a session and shows only
    rows of tracked models; the middleware still refuses any response with a cookie, a CSRF
    token or a signed-in user."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, _MARK, True)
        return response

    setattr(wrapper, _MARK, True)  # the middleware resolves the path and looks for it
    return wrapper


# --- the release fingerprint ---------------------------------------------------------------

_fingerprint: str | None = None


def release_fingerprint() -> str:
    """A digest of what renders a page besides the database: the platform's code, templates
    and translations, the static files' manifest and the centre's name. Computed once per
    process; every node of one build computes the same."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        package = Path(__file__).resolve().parent.parent
        for path in sorted(package.rglob("*")):
            if path.suffix in {".py", ".html", ".mo"} and "tests" not in path.parts:
                digest.update(str(path.relative_to(package)).encode())
                digest.update(path.read_bytes())
        from django.contrib.staticfiles.storage import staticfiles_storage

        digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
        digest.update(str(settings.ONEWINDOW_CENTER_NAME).encode())
        _fingerprint = digest.hexdigest()[:16]
    return _fingerprint


# --- the middleware ------------------------------------------------------------------------


class PublicPageCacheMiddleware:
    """Serve and store the public pages of anonymous visitors (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = int(settings.ONEWINDOW_PAGE_CACHE_SECONDS)
        key = _key(request) if seconds > 0 else None
        if key is None:
            return self.get_response(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = _current_generation(found.get(GENERATION_KEY))
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _from_entry(entry)
        response = self.get_response(request)
        if _storable(request, response):
            cache.set(key, _to_entry(generation, response), seconds)
            response[HEADER] = "miss"
        return response


def _key(request: HttpRequest) -> str | None:
    """The page's key, or None when this request must not use the cache at all."""
    if request.method not in _SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return None
    # Only the decorated views' paths: every other request (the API, /healthz, the progress
    # page…) pays one URL resolution here, not a round trip to the cache.
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if not getattr(match.func, _MARK, False):
        return None
    keyed = set(settings.ONEWINDOW_PAGE_CACHE_KEY_COOKIES)
    ignored = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    ignored.update(settings.ONEWINDOW_PAGE_CACHE_IGNORED_COOKIES)
    cookies = []
    for name, value in request.COOKIES.items():
        if name in keyed:
            cookies.append(f"{name}={value}")
        elif name not in ignored:
            return None  # a session, a flash message, anything unknown: render it
    parts: list[str] = [
        release_fingerprint(),
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        get_language_from_request(request) or "",
        ";".join(sorted(cookies)),
        *(request.headers.get(name) or "" for name in KEY_HEADERS),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{KEY_PREFIX}{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if not getattr(response, _MARK, False):
        return False
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.session_key is not None or not session.is_empty()):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = {d.strip().lower() for d in response.get("Cache-Control", "").split(",")}
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    if not vary <= VARY_IN_KEY:
        return False
    if b"csrfmiddlewaretoken" in response.content:  # a token the flag above did not see
        log.warning("public page %s carries a CSRF token: not cached", request.path)
        return False
    return True


def _to_entry(generation: str, response: HttpResponse) -> tuple[str, list[tuple[str, str]], bytes]:
    headers = [(name, value) for name, value in response.items() if name != HEADER]
    return generation, headers, zlib.compress(response.content, _COMPRESS_LEVEL)


def _from_entry(entry: tuple[str, list[tuple[str, str]], bytes]) -> HttpResponse:
    _generation, headers, body = entry
    response = HttpResponse(zlib.decompress(body))
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response
