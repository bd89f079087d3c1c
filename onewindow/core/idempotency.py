"""``Idempotency-Key`` for API writes (API.md "Conventions").

Same key and payload from the same caller → the first response again; same key with another
payload → 422; the first request still running → 409. A request that fails with an error is
forgotten, so the caller can retry it with the same key.

The handler runs in one transaction with the recording of its answer. A request whose process
died (a killed web worker, a lost database connection) before that commit leaves its key
"in flight" with nothing else written: its transaction was rolled back. The next request with
that key takes it over and runs once. On PostgreSQL the running request holds a session
advisory lock on its key, so "still running" is exact: the lock is free as soon as the
request's connection is gone. Elsewhere (SQLite, one process) a key in flight for longer than
``STALE_AFTER`` is taken over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.responses import Status as Reply

from . import crypto
from .errors import ApiError
from .models import IdempotencyKey

MAX_KEY_LENGTH = 255
# Longer than any request may run (gunicorn's worker timeout, nginx's proxy timeout).
STALE_AFTER = dt.timedelta(minutes=2)
ABANDON_GRACE = dt.timedelta(seconds=5)


def _fingerprint(method: str, path: str, payload: Any) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return crypto.sm3(f"{method} {path}\n{body}".encode())


def run(
    *,
    owner: str,
    key: str | None,
    method: str,
    path: str,
    payload: Any,
    handler: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run ``handler`` (returning status and JSON body) at most once per key."""
    if not key:
        return handler()
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            400,
            "invalid_input",
            _("请求参数有误"),
            {"fields": {"Idempotency-Key": [_("长度不得超过255个字符")]}},
        )
    fingerprint = _fingerprint(method, path, payload)
    with _key_lock(owner, key) as locked:
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(owner=owner, key=key, request_hash=fingerprint)
        except IntegrityError:
            row = IdempotencyKey.objects.get(owner=owner, key=key)
            if row.request_hash != fingerprint:
                raise ApiError(
                    422, "idempotency_key_reused", _("该幂等键已用于另一个请求")
                ) from None
            if row.state == IdempotencyKey.State.DONE:
                return row.status_code or 200, row.response_body
            # In flight: still running, or left by a process that died mid-request.
            if not _abandoned(row, locked):
                raise ApiError(409, "request_in_flight", _("相同请求正在处理中")) from None
        else:
            if locked is False:  # another request holds this key but has not written it yet
                IdempotencyKey.objects.filter(pk=row.pk).delete()
                raise ApiError(409, "request_in_flight", _("相同请求正在处理中"))
        try:
            # The write and its recorded answer commit together: a process that dies (or a
            # database that goes away) before the commit leaves neither, after it both.
            with transaction.atomic():
                status, body = handler()
                IdempotencyKey.objects.filter(pk=row.pk).update(
                    state=IdempotencyKey.State.DONE, status_code=status, response_body=body
                )
        except BaseException:
            with contextlib.suppress(DatabaseError):  # the database may be the failure
                IdempotencyKey.objects.filter(pk=row.pk).delete()
            raise
        return status, body


def _abandoned(row: IdempotencyKey, locked: bool | None) -> bool:
    """Whether nobody runs ``row``'s request any more, so this request may take it over.

    PostgreSQL (``locked`` is a bool): we hold the key's lock, so its first request has ended;
    the grace keeps the answer 409 while a dying request's connection is still closing.
    Elsewhere (``locked`` is None): the row has been in flight for longer than any request
    may run; the update claims it, so only one retry wins.
    """
    now = timezone.now()
    if locked is not None:
        return locked and row.created_at < now - ABANDON_GRACE
    taken = IdempotencyKey.objects.filter(
        pk=row.pk, state=IdempotencyKey.State.IN_FLIGHT, created_at__lt=now - STALE_AFTER
    ).update(created_at=now)
    return taken == 1


def _lock_id(owner: str, key: str) -> int:
    """A signed 64-bit advisory lock key for (owner, key)."""
    digest = crypto.sm3(f"idempotency\n{owner}\n{key}".encode())
    return int(digest[:16], 16) - (1 << 63)


@contextmanager
def _key_lock(owner: str, key: str) -> Iterator[bool | None]:
    """PostgreSQL: try to hold the key's session advisory lock while the request runs;
    yields whether it was obtained. Other databases: yields None (no such lock)."""
    if connection.vendor != "postgresql":
        yield None
        return
    lock_id = _lock_id(owner, key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
        locked = bool(cursor.fetchone()[0])
    try:
        yield locked
    finally:
        if locked:
            _unlock(lock_id)


def _unlock(lock_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
    except DatabaseError:
        # The connection is gone (the database restarted), and its session's lock with it.
        connection.close_if_unusable_or_obsolete()


def validation_error(exc: ValidationError) -> ApiError:
    """A service's ``ValidationError`` as the API's 400, with the messages per field."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"request": exc.messages}
    return ApiError(400, "invalid_input", _("请求参数有误"), {"fields": fields})


def api_write(
    request: HttpRequest,
    *,
    user: Any,
    key: str | None,
    payload: Any,
    status: int,
    work: Callable[[Any], Any],
    render: Callable[[Any], Any],
    transitions: tuple[type[Exception], ...],
) -> Reply:
    """One write of the API under its ``Idempotency-Key``.

    ``work(user)`` runs the service; ``render(result)`` makes the response body. The services'
    refusals become the API's errors: ``ValidationError`` 400 with the fields, ``PermissionDenied``
    403, an illegal move (one of ``transitions``, each with ``action`` and ``status``) 409.
    """

    def handler() -> tuple[int, Any]:
        try:
            result = work(user)
        except ValidationError as exc:
            raise validation_error(exc) from exc
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc) or _("无权执行该操作")) from exc
        except transitions as exc:
            action, state = getattr(exc, "action", ""), getattr(exc, "status", "")
            raise ApiError(
                409,
                "invalid_transition",
                getattr(exc, "message", "") or _("当前状态（%(s)s）不允许该操作") % {"s": state},
                {"action": action, "status": state},
            ) from exc
        return status, json.loads(json.dumps(render(result), default=str))

    status_code, body = run(
        owner=str(user.pk),
        key=key,
        method=request.method or "POST",
        path=request.path,
        payload=payload,
        handler=handler,
    )
    return Reply(status_code, body)
