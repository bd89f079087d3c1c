"""Session security (等保 2.0 三级 登录连接超时自动退出, ASVS V3.3).

``SessionSecurityMiddleware`` (after ``OTPMiddleware``) ends a signed-in session, audits why
(``auth.logout`` with a reason) and sends the person to sign in again when:

- it has been idle longer than ``ONEWINDOW_SESSION_IDLE_SECONDS`` (30 minutes, everyone);
- a staff session is older than ``ONEWINDOW_STAFF_SESSION_MAX_SECONDS`` (8 hours);
- the account was disabled (``is_active`` False) or removed;
- the password changed after this session proved it (``User.password_changed_at``); Django's
  session auth hash ends such sessions too, and both stay.

It also holds every request of a staff session not yet verified with a TOTP code at the
second step (only that step, the set-up page, sign-out and the language switch pass), and
sends the admin's own sign-in and password-change pages to the platform's: one sign-in with
one lockout and one second step, and a password change that keeps the session that made it.
It runs on every resolved URL, the admin and the API included.

The timestamps live in the session as seconds since the epoch (JSON-serialisable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from onewindow.core import audit
from onewindow.core.errors import envelope

from . import auth
from .models import User

STARTED_KEY = "_ow_session_started"
SEEN_KEY = "_ow_session_seen"
CREDENTIALS_KEY = "_ow_credentials_at"
# Activity is written back to the session at most this often (one save a minute, not a request).
TOUCH_SECONDS = 60
# What an unverified staff session may reach: the second step itself and sign-out.
SECOND_STEP_VIEWS = frozenset(
    {"identity:otp_verify", "identity:otp_setup", "identity:logout", "set_language"}
)
API_PREFIX = "/api/"


def _now() -> float:
    return timezone.now().timestamp()


def start(request: HttpRequest) -> None:
    """A new signed-in session (called on ``user_logged_in``)."""
    now = _now()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now
    request.session[CREDENTIALS_KEY] = now


def touch_credentials(request: HttpRequest) -> None:
    """This session has just proved (or set) the password."""
    request.session[CREDENTIALS_KEY] = _now()


def _expired_reason(request: HttpRequest, user: Any) -> str:
    session = request.session
    started = session.get(STARTED_KEY)
    seen = session.get(SEEN_KEY)
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return "unknown"  # not begun by login(): never trusted
    now = _now()
    if now - seen > settings.ONEWINDOW_SESSION_IDLE_SECONDS:
        return "idle"
    if (
        auth.requires_two_factor(user)
        and now - started > settings.ONEWINDOW_STAFF_SESSION_MAX_SECONDS
    ):
        return "absolute"
    changed = getattr(user, "password_changed_at", None)
    proved = session.get(CREDENTIALS_KEY, started)
    if changed is not None and changed.timestamp() > proved:
        return "password_changed"
    return ""


def _message(reason: str) -> str:
    if reason == "idle":
        minutes = settings.ONEWINDOW_SESSION_IDLE_SECONDS // 60
        return _("您已超过%(minutes)d分钟未操作，为保护账户安全已自动退出，请重新登录。") % {
            "minutes": minutes
        }
    if reason == "absolute":
        hours = settings.ONEWINDOW_STAFF_SESSION_MAX_SECONDS // 3600
        return _("工作人员单次登录最长%(hours)d小时，已到时限，请重新登录。") % {"hours": hours}
    if reason == "password_changed":
        return _("账户密码已修改，请使用新密码重新登录。")
    if reason == "inactive":
        return _("账户已停用或登录状态已失效，请重新登录。")
    return _("登录状态已失效，请重新登录。")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_refusal(code: str, message: str) -> JsonResponse:
    return JsonResponse(
        envelope(code, message), status=401, json_dumps_params={"ensure_ascii": False}
    )


def _view_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None else ""


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Iterable[Any], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        # Runs after every middleware's request phase: messages are available here.
        if SESSION_KEY not in request.session:
            if _view_name(request) == "admin:login":
                return self._to_platform_sign_in(request)
            return None
        account_id = str(request.session[SESSION_KEY])
        user = request.user
        if not user.is_authenticated:
            # Django refused the session's account: disabled or gone ("inactive"), or its
            # password changed since (the session auth hash no longer matches).
            return self._end_refused(request, account_id)
        reason = _expired_reason(request, user)
        if reason:
            return self._end(request, reason)
        now = _now()
        if now - request.session[SEEN_KEY] >= TOUCH_SECONDS:
            request.session[SEEN_KEY] = now
        if (
            auth.requires_two_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
            and _view_name(request) not in SECOND_STEP_VIEWS
        ):
            return self._to_second_step(request)
        if _view_name(request) == "admin:password_change" and admin.site.has_permission(request):
            return HttpResponseRedirect(reverse("identity:password_change"))
        return None

    def _end_refused(self, request: HttpRequest, account_id: str) -> HttpResponse:
        active = User.objects.filter(pk=account_id, is_active=True).exists()
        reason = "password_changed" if active else "inactive"
        # No signed-in user for the sign-out signal to name: the account is recorded here.
        audit.record(
            "auth.logout",
            object_type="identity.user",
            object_id=account_id[:64],
            request=request,
            detail={"reason": reason},
        )
        return self._end(request, reason)

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        auth.end_session(request, reason)
        message = _message(reason)
        if _is_api(request):
            return _api_refusal("session_expired", message)
        messages.warning(request, message)
        next_url = request.get_full_path() if request.method in {"GET", "HEAD"} else None
        return redirect_to_login(next_url or "", settings.LOGIN_URL)

    def _to_second_step(self, request: HttpRequest) -> HttpResponse:
        if _is_api(request):
            return _api_refusal(
                "two_factor_required", _("请先在网页上完成动态验证码验证后再使用。")
            )
        url = reverse("identity:otp_verify")
        if request.method in {"GET", "HEAD"}:
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)

    def _to_platform_sign_in(self, request: HttpRequest) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index")
        url = resolve_url(settings.LOGIN_URL) + "?" + urlencode({"next": next_url})
        return HttpResponseRedirect(url)
