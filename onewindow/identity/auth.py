"""Sign-in security: lockout, the audit of sign-ins and sign-outs, and staff TOTP.

Lockout (等保 2.0 三级 登录失败处理, ASVS 2.2.1): ``ONEWINDOW_LOCKOUT_FAILURES`` (5) failed
attempts within ``ONEWINDOW_LOCKOUT_SECONDS`` (30 minutes) for one account name, or from one
address, refuse every further attempt, even with the right password, until that long after the
last failure. Failures live in ``LoginFailure`` rows, so every process and node sees them.
A wrong TOTP code is a failure like a wrong password. Attempts refused while locked are audited
(``auth.locked``) but not counted, so the lock ends on time.

``LockoutModelBackend`` (the only entry of ``AUTHENTICATION_BACKENDS``) enforces the lock for
every caller of ``authenticate()``; the sign-in form checks it first to say how long remains.
Django's ``user_logged_in``, ``user_logged_out`` and ``user_login_failed`` signals feed the audit
log (``connect_signals`` runs in ``IdentityConfig.ready``).

Staff (kind ``staff``, or ``is_staff``/``is_superuser``) sign in with a password and a TOTP code
(等保 2.0 三级: two factors, one cryptographic); ``sessions.SessionSecurityMiddleware`` holds
every request of an unverified staff session at the second step.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.core import audit
from onewindow.core.models import AuditRecord

from . import sessions
from .models import LoginFailure, User

BACKEND = "onewindow.identity.auth.LockoutModelBackend"
# The events a person sees in their own sign-in history.
HISTORY_ACTIONS = (
    "auth.login",
    "auth.logout",
    "auth.login_failed",
    "auth.locked",
    "auth.otp_failed",
    "auth.otp_verified",
)
# Failure rows older than this are of no use to the lockout and are purged.
FAILURE_RETENTION = dt.timedelta(days=1)
# Session key of the TOTP device being set up (not yet confirmed) in this session.
PENDING_DEVICE_KEY = "_ow_totp_pending"


def requires_two_factor(user: Any) -> bool:
    """Staff accounts, administrators included, sign in with a second factor."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (
            getattr(user, "kind", None) == User.Kind.STAFF
            or getattr(user, "is_staff", False)
            or getattr(user, "is_superuser", False)
        )
    )


def _account_key(username: str | None) -> str:
    """Failures are counted per account name, case-insensitively."""
    return (username or "").strip().lower()[:150]


def _account(username: str | None) -> User | None:
    key = (username or "").strip()
    if not key or len(key) > 150:
        return None
    return User.objects.filter(username__iexact=key).first()


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ONEWINDOW_LOCKOUT_SECONDS)


# --- Lockout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    scope: str  # "account" or "ip"
    until: dt.datetime

    def minutes_left(self, now: dt.datetime | None = None) -> int:
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, math.ceil(seconds / 60))


def _locked_until(times: list[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """``times`` newest first: locked if the newest ``threshold`` fall within one window."""
    threshold = settings.ONEWINDOW_LOCKOUT_FAILURES
    if len(times) < threshold:
        return None
    window = _window()
    newest, oldest = times[0], times[threshold - 1]
    if newest - oldest <= window and now < newest + window:
        return newest + window
    return None


def lockout_for(
    username: str | None, ip: str | None, *, now: dt.datetime | None = None
) -> Lockout | None:
    """The lock that refuses a sign-in as ``username`` from ``ip`` now, or None."""
    now = now or timezone.now()
    threshold = settings.ONEWINDOW_LOCKOUT_FAILURES
    recent = LoginFailure.objects.filter(at__gt=now - 2 * _window()).order_by("-at")
    locks: list[Lockout] = []
    key = _account_key(username)
    if key:
        times = list(recent.filter(username=key).values_list("at", flat=True)[:threshold])
        until = _locked_until(times, now)
        if until is not None:
            locks.append(Lockout("account", until))
    if ip:
        times = list(recent.filter(ip=ip).values_list("at", flat=True)[:threshold])
        until = _locked_until(times, now)
        if until is not None:
            locks.append(Lockout("ip", until))
    return max(locks, key=lambda lock: lock.until, default=None)


@transaction.atomic
def record_failure(
    username: str | None,
    *,
    request: HttpRequest | None,
    action: str = "auth.login_failed",
    reason: str = "",
) -> Lockout | None:
    """Count a failed attempt, audit it, and audit the lock it starts. Returns the lock."""
    now = timezone.now()
    ip = audit.client_ip(request) if request is not None else None
    account = _account(username)
    LoginFailure.objects.create(username=_account_key(username), ip=ip, at=now)
    LoginFailure.objects.filter(at__lt=now - max(FAILURE_RETENTION, 2 * _window())).delete()
    detail: dict[str, Any] = {"username": (username or "")[:150]}
    if reason:
        detail["reason"] = reason
    audit.record(action, outcome="failure", obj=account, ip=ip, request=request, detail=detail)
    lock = lockout_for(username, ip, now=now)
    if lock is not None:
        audit.record(
            "auth.locked",
            outcome="failure",
            obj=account,
            ip=ip,
            request=request,
            detail={**detail, "event": "start", "scope": lock.scope, "until": lock.until},
        )
    return lock


def record_refusal(username: str | None, lock: Lockout, *, request: HttpRequest | None) -> None:
    """An attempt refused because of a lock: audited, not counted."""
    audit.record(
        "auth.locked",
        outcome="denied",
        obj=_account(username),
        request=request,
        detail={
            "username": (username or "")[:150],
            "event": "refused",
            "scope": lock.scope,
            "until": lock.until,
        },
    )


def clear_failures(user: User) -> None:
    """A complete sign-in clears the account's failures (not its address's)."""
    LoginFailure.objects.filter(username=_account_key(user.get_username())).delete()


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing any attempt while the account or address is locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        ip = audit.client_ip(request) if request is not None else None
        if lockout_for(username, ip) is not None:
            # Stops authenticate(); user_login_failed then audits the refusal.
            raise PermissionDenied("locked")
        return super().authenticate(request, username=username, password=password, **kwargs)


# --- Signals -------------------------------------------------------------------------------


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.start(request)
    audit.record(
        "auth.login",
        actor=user,
        obj=user,
        request=request,
        detail={"second_factor_pending": requires_two_factor(user)},
    )
    if not requires_two_factor(user):
        clear_failures(user)  # staff: after the TOTP code


def on_user_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None:
        return
    reason = getattr(request, "_ow_logout_reason", "user") if request is not None else "user"
    audit.record("auth.logout", actor=user, obj=user, request=request, detail={"reason": reason})


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username") or credentials.get(User.USERNAME_FIELD) or ""
    username = str(username)
    ip = audit.client_ip(request) if request is not None else None
    lock = lockout_for(username, ip)
    if lock is not None:
        record_refusal(username, lock, request=request)
    else:
        record_failure(username, request=request)


def connect_signals() -> None:
    user_logged_in.connect(on_user_logged_in, dispatch_uid="identity.auth.logged_in")
    user_logged_out.connect(on_user_logged_out, dispatch_uid="identity.auth.logged_out")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="identity.auth.login_failed")


def end_session(request: HttpRequest, reason: str) -> None:
    """Sign out with a reason that the audit record keeps."""
    request._ow_logout_reason = reason  # type: ignore[attr-defined]
    logout(request)


# --- Password change -------------------------------------------------------------------------


@transaction.atomic
def change_password(request: HttpRequest, form: Any) -> User:
    """Save a valid ``PasswordChangeForm``: every other session of the account ends, this one
    continues under a new key."""
    user: User = form.save()
    update_session_auth_hash(request, user)
    sessions.touch_credentials(request)
    audit.record("auth.password_changed", actor=user, obj=user, request=request)
    return user


# --- TOTP --------------------------------------------------------------------------------------


class TotpResult:
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"
    LOCKED = "locked"


@dataclass(frozen=True)
class TotpOutcome:
    result: str
    lock: Lockout | None = None
    wait_seconds: int = 0


def confirmed_devices(user: User) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def has_totp_device(user: User) -> bool:
    return confirmed_devices(user).exists()


def _throttle_wait(device: TOTPDevice) -> int | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def _check_token(
    request: HttpRequest, devices: QuerySet[TOTPDevice], token: str
) -> tuple[TotpOutcome, TOTPDevice | None]:
    user: User = request.user  # type: ignore[assignment]
    ip = audit.client_ip(request)
    lock = lockout_for(user.get_username(), ip)
    if lock is not None:
        record_refusal(user.get_username(), lock, request=request)
        return TotpOutcome(TotpResult.LOCKED, lock), None
    waits: list[int] = []
    with transaction.atomic():
        for device in devices.select_for_update():
            wait = _throttle_wait(device)
            if wait is not None:
                waits.append(wait)
                continue
            if device.verify_token(token):
                return TotpOutcome(TotpResult.OK), device
    if waits and len(waits) == devices.count():
        return TotpOutcome(TotpResult.THROTTLED, wait_seconds=min(waits)), None
    lock = record_failure(user.get_username(), request=request, action="auth.otp_failed")
    if lock is not None:
        return TotpOutcome(TotpResult.LOCKED, lock), None
    return TotpOutcome(TotpResult.WRONG), None


def verify_totp(request: HttpRequest, token: str) -> TotpOutcome:
    """The second step of a staff sign-in: check ``token`` against the confirmed devices."""
    user: User = request.user  # type: ignore[assignment]
    outcome, device = _check_token(request, confirmed_devices(user), token)
    if device is not None:
        _complete(request, device, "auth.otp_verified")
    return outcome


def pending_device(request: HttpRequest) -> TOTPDevice:
    """The unconfirmed device this session is setting up: a new secret for every session."""
    user: User = request.user  # type: ignore[assignment]
    device_id = request.session.get(PENDING_DEVICE_KEY)
    device = (
        TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device_id
        else None
    )
    if device is None:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
        request.session[PENDING_DEVICE_KEY] = device.pk
    return device


def confirm_totp(request: HttpRequest, device: TOTPDevice, token: str) -> TotpOutcome:
    """Set-up: the first code from the new authenticator confirms the device."""
    outcome, verified = _check_token(
        request, TOTPDevice.objects.filter(pk=device.pk, confirmed=False), token
    )
    if verified is not None:
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
        request.session.pop(PENDING_DEVICE_KEY, None)
        user: User = request.user  # type: ignore[assignment]
        audit.record("identity.totp_enrolled", actor=user, obj=user, request=request)
        _complete(request, verified, "auth.otp_verified")
    return outcome


def _complete(request: HttpRequest, device: TOTPDevice, action: str) -> None:
    user: User = request.user  # type: ignore[assignment]
    django_otp.login(request, device)
    request.session.cycle_key()
    clear_failures(user)
    audit.record(action, actor=user, obj=user, request=request)


def totp_secret(device: TOTPDevice) -> str:
    """The secret as the authenticator apps type it: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI as an inline SVG QR code (no external request, no image file)."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=4, border=2, title="TOTP"))


# --- History -----------------------------------------------------------------------------------


def login_history(user: User) -> QuerySet[AuditRecord]:
    """The account's own sign-in events, newest first: those it made and those aimed at it."""
    return (
        AuditRecord.objects.filter(action__in=HISTORY_ACTIONS)
        .filter(Q(actor_id=user.pk) | Q(object_type="identity.user", object_id=str(user.pk)))
        .order_by("-id")
    )
