"""The application audit log (等保 2.0 三级 安全审计): append-only and SM3 hash-chained.

Every service calls ``record()`` inside its own transaction; ``verify()`` walks the chain;
``find_records()`` is the read the audit administrator's pages use. See ``docs/audit.md``.

Chaining: appends are serialised by a lock (``pg_advisory_xact_lock`` on PostgreSQL, the
``BEGIN IMMEDIATE`` write lock on SQLite), and under it the new record takes the id after the
last one and that record's hash as its ``prev_hash``. The id is therefore known before the
hash is computed, the row is inserted once, complete, and never updated; the primary key makes
a fork impossible even if a writer ever ran without the lock (it would fail, not branch).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import GENESIS_HASH, AppendOnlyError, AuditRecord, canonical_json

__all__ = [
    "GENESIS_HASH",
    "AppendOnlyError",
    "AuditRecord",
    "VerifyResult",
    "client_ip",
    "find_records",
    "head",
    "record",
    "verify",
]

# The key of the PostgreSQL advisory lock that serialises appends ("owaudit\0").
ADVISORY_LOCK_KEY = 0x6F77_6175_6469_7400
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
ANONYMOUS = "anonymous"
SYSTEM = "system"
REDACTED = "***"
# Keys whose values never enter the log, whatever the caller passes (compared lower-cased).
SECRET_KEYS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "old_password",
        "new_password",
        "new_password1",
        "new_password2",
        "passwd",
        "pwd",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "otp",
        "otp_token",
        "totp",
        "api_key",
        "private_key",
        "authorization",
        "cookie",
        "sessionid",
        "csrfmiddlewaretoken",
    }
)
VERIFY_CHUNK = 2000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    records: int
    first_broken_id: int | None = None
    reason: str = ""


def _valid_ip(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, behind a trusted proxy
    (``ONEWINDOW_TRUST_X_FORWARDED_FOR``), the last ``X-Forwarded-For`` entry — the address
    the nearest proxy saw; entries to its left are whatever the client sent."""
    if getattr(settings, "ONEWINDOW_TRUST_X_FORWARDED_FOR", False):
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        if forwarded:
            ip = _valid_ip(forwarded[-1])
            if ip is not None:
                return ip
    return _valid_ip(str(request.META.get("REMOTE_ADDR") or ""))


def _text(value: str) -> str:
    """Text PostgreSQL can store: NUL characters become U+FFFD."""
    return value.replace("\x00", "\ufffd")


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            _text(key): REDACTED if key.lower() in SECRET_KEYS else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, str):
        return _text(value)
    return value


def _detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    if detail is None:
        return {}
    if not isinstance(detail, dict):
        raise TypeError("audit detail must be a dict")
    # Through JSON once: dates, decimals and UUIDs become strings, keys become strings.
    plain = json.loads(json.dumps(detail, cls=DjangoJSONEncoder))
    normalised: dict[str, Any] = canonical_json(_scrub(plain))
    return normalised


def _user(user: Any) -> Any:
    """A signed-in user, or None for no user or ``AnonymousUser``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValueError(f"audit {name} is longer than {limit} characters: {value[:80]!r}")


def record(
    action: str,
    *,
    actor: Any = None,
    on_behalf_of: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditRecord.Outcome.SUCCESS,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditRecord:
    """Append one record to the log, in the caller's transaction (rolled back with it).

    ``request`` supplies the client address and, when ``actor`` is not given, the signed-in
    user. ``obj`` supplies ``object_type`` (``app_label.model_name``) and ``object_id`` unless
    they are given. Keys that name secrets (passwords, tokens…) are redacted from ``detail``.
    """
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"audit action must be dotted lower-case words, not {action!r}")
    _check_length("action", action, 100)
    if outcome not in AuditRecord.Outcome.values:
        raise ValueError(f"audit outcome must be one of {AuditRecord.Outcome.values}")
    if request is not None:
        if ip is None:
            ip = client_ip(request)
        if actor is None:
            actor = _user(getattr(request, "user", None))
    actor = _user(actor)
    on_behalf_of = _user(on_behalf_of)
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or ("" if obj.pk is None else str(obj.pk))
    object_type, object_id = _text(object_type), _text(str(object_id))
    _check_length("object_type", object_type, 100)
    _check_length("object_id", object_id, 64)
    if ip is not None and _valid_ip(ip) is None:
        raise ValueError(f"audit ip is not an IP address: {ip!r}")
    if actor is not None:
        actor_label = _text(actor.get_username())
    else:
        actor_label = ANONYMOUS if request is not None else SYSTEM
    fields = {
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor_label,
        "on_behalf_of_id": on_behalf_of.pk if on_behalf_of is not None else None,
        "on_behalf_of_label": _text(on_behalf_of.get_username()) if on_behalf_of else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": str(outcome),
        "ip": _valid_ip(ip) if ip is not None else None,
        "detail": _detail(detail),
    }
    using = router.db_for_write(AuditRecord)
    # No savepoint inside the caller's transaction: a failed append fails the whole action.
    with transaction.atomic(using=using, savepoint=False):
        _lock(using)
        last = AuditRecord.objects.using(using).order_by("-id").values_list("id", "hash").first()
        entry = AuditRecord(
            id=last[0] + 1 if last else 1,
            at=timezone.now(),
            prev_hash=last[1] if last else GENESIS_HASH,
            **fields,
        )
        entry.hash = entry.compute_hash()
        entry.save(using=using)
    return entry


def _lock(using: str) -> None:
    """Serialise appends until the end of the transaction.

    PostgreSQL: a transaction-scoped advisory lock, taken before the last record is read (in
    READ COMMITTED the read then sees every append committed before the lock was granted).
    SQLite: the transaction began with ``BEGIN IMMEDIATE`` (settings), which already holds the
    database's single write lock.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def verify(*, anchor: tuple[int, str] | None = None, using: str | None = None) -> VerifyResult:
    """Walk the log in id order, recompute every hash and check every link.

    A changed record fails its own hash; a removed or reordered record breaks the link of the
    record after it (and leaves a gap in the ids, which are consecutive by construction).
    ``anchor`` (id, hash) of a record no longer in the table (an archived partition) makes the
    walk start after it instead of at the genesis. Removing the newest records cannot be seen
    from inside the chain: compare the head with a copy kept elsewhere (``audit head``).
    """
    using = using or router.db_for_read(AuditRecord)
    records = AuditRecord.objects.using(using)
    rows: Iterator[AuditRecord] = records.order_by("id").iterator(chunk_size=VERIFY_CHUNK)
    count = 0
    previous: tuple[int, str] | None = anchor
    for row in rows:
        count += 1
        reason = broken_link(row, previous)
        if reason:
            remaining = records.filter(id__gt=row.id).count()
            return VerifyResult(False, count + remaining, row.id, reason)
        previous = (row.id, row.hash)
    return VerifyResult(True, count)


def broken_link(row: AuditRecord, previous: tuple[int, str] | None) -> str:
    """Why ``row`` does not continue the chain after ``previous`` (its id and hash; None: the
    genesis), or "" when it does: its id follows, it links to that hash, its own hash holds."""
    if previous is None:
        if row.prev_hash != GENESIS_HASH:
            return (
                f"record {row.id} is the first but does not start the chain:"
                " records before it are missing"
            )
    elif row.id != previous[0] + 1:
        return f"records {previous[0] + 1} to {row.id - 1} are missing"
    elif row.prev_hash != previous[1]:
        return (
            f"record {row.id} does not link to record {previous[0]}:"
            " records were changed or reordered"
        )
    if row.compute_hash() != row.hash:
        return f"record {row.id} does not match its hash: it was modified"
    return ""


def head(*, using: str | None = None) -> tuple[int, str] | None:
    """The newest record's id and hash, to be kept outside the database as an anchor."""
    using = using or router.db_for_read(AuditRecord)
    return AuditRecord.objects.using(using).order_by("-id").values_list("id", "hash").first()


def find_records(
    *,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    object_type: str = "",
    object_id: str = "",
) -> models.QuerySet[AuditRecord]:
    """Records matching every given filter, newest first. ``actor`` is the account name at
    the time, ``action`` a prefix (``auth.`` finds every sign-in event), ``until`` exclusive."""
    records = AuditRecord.objects.order_by("-id")
    if actor:
        records = records.filter(actor_label=actor)
    if action:
        records = records.filter(action__startswith=action)
    if outcome:
        records = records.filter(outcome=outcome)
    if since is not None:
        records = records.filter(at__gte=since)
    if until is not None:
        records = records.filter(at__lt=until)
    if object_type:
        records = records.filter(object_type=object_type)
    if object_id:
        records = records.filter(object_id=object_id)
    return records
