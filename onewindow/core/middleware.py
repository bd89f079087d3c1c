"""Database outages answered as 503: the request failed cleanly and may be retried.

When PostgreSQL restarts, fails over or refuses connections, Django raises
``django.db.OperationalError`` or ``InterfaceError``. Every transaction of the request was
rolled back with its connection, so nothing was written: the honest answer is 503 Service
Unavailable with ``Retry-After``, not 500. ``DatabaseUnavailableMiddleware`` gives it

- for the API (django-ninja catches view exceptions itself): an exception handler on the API
  instance, answering with the error envelope ``{"error": {"code": "service_unavailable", …}}``;
- for pages and for failures inside other middleware (sessions, authentication): Django turns
  the exception into a 500 response and signals ``got_request_exception`` first; the receiver
  marks the request and the middleware, outermost but for security headers, replaces that
  response with a 503 page (JSON under ``/api/``).

Database errors that are the request's own fault (``IntegrityError``, ``DataError``) are not
outages and keep their usual handling.

The same way, a full disk or an unwritable directory met while Django reads an uploaded file
(a large upload is spooled to ``FILE_UPLOAD_TEMP_DIR`` as the request is parsed, before any
view runs) is answered 507 Insufficient Storage naming the problem
(``core.errors.storage_reason``), not 500: the API's envelope with ``code
"insufficient_storage"`` and ``details.reason``, or a short page. Nothing was kept: the
request failed before its view.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from .errors import envelope, is_storage_failure, storage_message, storage_reason

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
OUTAGES: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
_MARK = "_onewindow_database_unavailable"
_STORAGE_MARK = "_onewindow_storage_failure"


def _message() -> str:
    return _("数据库暂时不可用，请求未被处理，请稍后重试")


def _short_page(title: str, message: str, status: int) -> HttpResponse:
    """A page that needs neither templates nor the database: a title and one sentence."""
    body = (
        '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"<p>{escape(message)}</p></body></html>"
    )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _failure_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    message: str,
    details: dict[str, Any],
) -> HttpResponse:
    """The API's error envelope under ``/api/``, a short page elsewhere; never cached."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            envelope(code, message, details),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = _short_page(title, message, status)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer while the database is unreachable."""
    response = _failure_response(
        request,
        status=503,
        code="service_unavailable",
        title=_("服务暂时不可用"),
        message=_message(),
        details={"retry_after_seconds": RETRY_AFTER_SECONDS},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _close_spooled_files(request: HttpRequest) -> None:
    """Close what the upload handlers had spooled when the request's files could not be
    written (Django closes them only when an upload is stopped on purpose)."""
    for handler in getattr(request, "_upload_handlers", None) or ():
        spooled = getattr(handler, "file", None)
        if spooled is not None:
            with contextlib.suppress(OSError):
                spooled.close()


def storage_failure_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 507 answer to a file the server could not keep."""
    _close_spooled_files(request)
    reason = storage_reason(error)
    return _failure_response(
        request,
        status=507,
        code="insufficient_storage",
        title=_("文件未能保存"),
        message=storage_message(reason),
        details={"reason": reason},
    )


def _api_os_error(request: HttpRequest, exc: BaseException | type[BaseException]) -> HttpResponse:
    """An ``OSError`` in an API view: 507 for a storage failure, else the usual 500."""
    if isinstance(exc, BaseException) and is_storage_failure(exc):
        log.error("storage failure on %s: %s", request.path, exc)
        return storage_failure_response(request, exc)
    from .api import unexpected_error

    return unexpected_error(request, exc)  # type: ignore[arg-type]


def _api_outage(request: HttpRequest, exc: BaseException | type[BaseException]) -> HttpResponse:
    log.warning("database unavailable on %s: %s", request.path, exc)
    return unavailable_response(request)


def _mark_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``got_request_exception`` receiver: remember that the 500 about to be sent is an
    outage (the exception being handled is in ``sys.exc_info()``)."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, OUTAGES):
        setattr(request, _MARK, True)
    if request is not None and is_storage_failure(exc):
        setattr(request, _STORAGE_MARK, exc)


_installed = False


def _install() -> None:
    """Once per process: the API's handler and the signal receiver."""
    global _installed
    if _installed:
        return
    from .api import api

    for exc_class in OUTAGES:
        api.add_exception_handler(exc_class, _api_outage)
    api.add_exception_handler(OSError, _api_os_error)
    got_request_exception.connect(_mark_outage, dispatch_uid="onewindow.core.database_outage")
    _installed = True


class DatabaseUnavailableMiddleware:
    """503 with ``Retry-After`` and a Chinese message when the database is unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        _install()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code == 500:
            log.warning("database unavailable on %s", request.path)
            return unavailable_response(request)
        failure = getattr(request, _STORAGE_MARK, None)
        if failure is not None and response.status_code == 500:
            log.error("storage failure on %s: %s", request.path, failure)
            return storage_failure_response(request, failure)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGES):
            log.warning("database unavailable on %s: %s", request.path, exception)
            return unavailable_response(request)
        if is_storage_failure(exception):
            log.error("storage failure on %s: %s", request.path, exception)
            return storage_failure_response(request, exception)
        return None
