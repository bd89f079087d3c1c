"""``Idempotency-Key`` for API writes (API.md "Conventions").

Same key and payload from the same caller → the first response again; same key with another
payload → 422; the first request still running → 409. A request that fails with an error is
forgotten, so the caller can retry it with the same key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import crypto
from .errors import ApiError
from .models import IdempotencyKey

MAX_KEY_LENGTH = 255


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
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(owner=owner, key=key, request_hash=fingerprint)
    except IntegrityError:
        existing = IdempotencyKey.objects.get(owner=owner, key=key)
        if existing.request_hash != fingerprint:
            raise ApiError(422, "idempotency_key_reused", _("该幂等键已用于另一个请求")) from None
        if existing.state == IdempotencyKey.State.IN_FLIGHT:
            raise ApiError(409, "request_in_flight", _("相同请求正在处理中")) from None
        return existing.status_code or 200, existing.response_body
    try:
        status, body = handler()
    except BaseException:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
        raise
    IdempotencyKey.objects.filter(pk=row.pk).update(
        state=IdempotencyKey.State.DONE, status_code=status, response_body=body
    )
    return status, body
