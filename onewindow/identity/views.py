"""Account pages: sign-in (with the staff TOTP step), sign-out, registration, profile, agent
authorisations, password change and the sign-in history.

Views authorise, parse, call one service (``identity.services`` or ``identity.auth``) and
render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.core import audit

from . import auth, services
from .access import authenticated, public, require_roles
from .forms import (
    AgentAuthorizationForm,
    LoginForm,
    OrganizationRegistrationForm,
    PasswordChangeFormZh,
    PersonRegistrationForm,
    TokenForm,
)
from .models import ADMIN_ROLES, AgentAuthorization, OrganizationMember, Role, User

HISTORY_PAGE_SIZE = 20
HISTORY_LABELS = {
    "auth.login": gettext_lazy("登录（密码验证通过）"),
    "auth.logout": gettext_lazy("退出登录"),
    "auth.login_failed": gettext_lazy("登录失败"),
    "auth.locked": gettext_lazy("登录被锁定"),
    "auth.otp_failed": gettext_lazy("动态验证码错误"),
    "auth.otp_verified": gettext_lazy("动态验证码验证通过"),
}
LOGOUT_REASONS = {
    "user": gettext_lazy("主动退出"),
    "idle": gettext_lazy("长时间未操作"),
    "absolute": gettext_lazy("超过单次登录时限"),
    "password_changed": gettext_lazy("密码已修改"),
    "inactive": gettext_lazy("账户已停用"),
    "locked": gettext_lazy("登录被锁定"),
    "unknown": gettext_lazy("会话无效"),
}


# --- Helpers -----------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` parameter if it stays on this site, else an empty string."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _redirect_next(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    """After sign-in: ``next`` if given, else staff to their workbench, others home."""
    if not next_url and getattr(request.user, "kind", None) == User.Kind.STAFF:
        from onewindow.workbench.queries import WORKBENCH_ROLES

        if request.user.has_role(*WORKBENCH_ROLES):  # type: ignore[union-attr]
            return HttpResponseRedirect(reverse("workbench:inbox"))
        if request.user.has_role(*ADMIN_ROLES):  # type: ignore[union-attr]
            return HttpResponseRedirect(reverse("admin:index"))
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _lock_message(lock: auth.Lockout) -> str:
    return _("登录失败次数过多，已暂时锁定。请%(minutes)d分钟后再试，或联系服务中心解锁。") % {
        "minutes": lock.minutes_left()
    }


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- Sign-in and sign-out ---------------------------------------------------------------------


@public
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)  # cycles the session key; the signal audits and stamps the session
        if auth.requires_two_factor(user):
            return HttpResponseRedirect(_with_next("identity:otp_verify", next_url))
        return _redirect_next(request, next_url)
    return render(request, "identity/login.html", {"form": form, "next": next_url})


@authenticated
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.end_session(request, "user")
    messages.success(request, _("您已安全退出。"))
    return redirect("portal:home")


def _after_totp(
    request: HttpRequest, form: TokenForm, outcome: auth.TotpOutcome, next_url: str
) -> HttpResponse | None:
    if outcome.result == auth.TotpResult.OK:
        messages.success(request, _("身份验证成功。"))
        return _redirect_next(request, next_url)
    if outcome.result == auth.TotpResult.LOCKED and outcome.lock is not None:
        auth.end_session(request, "locked")
        messages.error(request, _lock_message(outcome.lock))
        return redirect(settings.LOGIN_URL)
    if outcome.result == auth.TotpResult.THROTTLED:
        form.add_error(
            "token",
            _("尝试过于频繁，请%(seconds)d秒后再试。") % {"seconds": outcome.wait_seconds},
        )
    else:
        form.add_error("token", _("验证码不正确或已过期，请输入验证器当前显示的验证码。"))
    return None


@authenticated
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a staff sign-in."""
    user = _user(request)
    next_url = _safe_next(request)
    if not auth.requires_two_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        return _redirect_next(request, next_url)
    if not auth.has_totp_device(user):
        return HttpResponseRedirect(_with_next("identity:otp_setup", next_url))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = auth.verify_totp(request, form.cleaned_data["token"])
        response = _after_totp(request, form, outcome, next_url)
        if response is not None:
            return response
    return render(request, "identity/otp_verify.html", {"form": form, "next": next_url})


@authenticated
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """A staff account without an authenticator sets one up before anything else."""
    user = _user(request)
    next_url = _safe_next(request)
    if not auth.requires_two_factor(user):
        return redirect("identity:profile")
    if auth.has_totp_device(user):
        # Replacing a device is the security administrator's task (remove it, sign in again).
        return HttpResponseRedirect(_with_next("identity:otp_verify", next_url))
    device = auth.pending_device(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = auth.confirm_totp(request, device, form.cleaned_data["token"])
        response = _after_totp(request, form, outcome, next_url)
        if response is not None:
            return response
    context = {
        "form": form,
        "next": next_url,
        # segno's SVG of the device's own otpauth URI: no user-supplied markup.
        "qr_svg": mark_safe(auth.totp_qr_svg(device)),  # noqa: S308
        "secret": auth.totp_secret(device),
    }
    return render(request, "identity/otp_setup.html", context)


# --- Registration ------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def register_person(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("您已登录，无需重复注册。"))
        return redirect("identity:profile")
    form = PersonRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_person(
                username=data["username"],
                password=data["password1"],
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                request=request,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc, form.SERVICE_FIELDS)
        except IntegrityError:  # a concurrent registration of the same name or ID number
            form.add_error(None, _("注册信息与已有账户冲突，请核对后重试。"))
        else:
            login(request, user, backend=auth.BACKEND)
            messages.success(request, _("注册成功，欢迎使用。"))
            return redirect("identity:profile")
    return render(request, "identity/register_person.html", {"form": form})


@require_roles(Role.APPLICANT)
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def register_organization(request: HttpRequest) -> HttpResponse:
    """A person registers an organisation's account and becomes its administrator."""
    user = _user(request)
    if user.kind != User.Kind.PERSON:
        return render(
            request, "identity/register_organization.html", {"not_person": True}, status=403
        )
    form = OrganizationRegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.register_organization(
                username=data["username"],
                password=data["password1"],
                name=data["name"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                phone=data["phone"],
                operator=user,
                actor=user,
                request=request,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc, form.SERVICE_FIELDS)
        except IntegrityError:
            form.add_error(None, _("注册信息与已有账户冲突，请核对后重试。"))
        else:
            messages.success(
                request,
                _("法人账户“%(name)s”注册成功，您是该单位的管理员。") % {"name": organization.name},
            )
            return redirect("identity:profile")
    return render(request, "identity/register_organization.html", {"form": form})


# --- Profile -----------------------------------------------------------------------------------


def _authorization_rows(authorizations: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for authorization in authorizations:
        if authorization.revoked_at is not None:
            status, label = "revoked", _("已撤销")
        elif authorization.expires_at <= now:
            status, label = "expired", _("已过期")
        elif authorization.valid_from > now:
            status, label = "pending", _("未生效")
        else:
            status, label = "active", _("有效")
        scopes = [str(AgentAuthorization.Scope(scope).label) for scope in authorization.scopes]
        rows.append(
            {"authorization": authorization, "status": status, "label": label, "scopes": scopes}
        )
    return rows


def _can_authorize_agents(user: User) -> bool:
    return user.kind in {User.Kind.PERSON, User.Kind.ORGANIZATION}


@authenticated
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The account's data (masked), roles, organisations and agent authorisations."""
    user = _user(request)
    can_authorize = _can_authorize_agents(user)
    form = AgentAuthorizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_authorize:
            raise PermissionDenied(_("工作人员账户不能授权代办人"))
        if form.is_valid():
            assert form.agent is not None
            try:
                services.authorize_agent(
                    principal=user,
                    agent=form.agent,
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                    actor=user,
                    request=request,
                )
            except ValidationError as exc:
                form.apply_service_errors(exc, form.SERVICE_FIELDS)
            else:
                messages.success(request, _("已授权代办人。"))
                return redirect("identity:profile")
    organization = (
        getattr(user, "organization", None) if user.kind == User.Kind.ORGANIZATION else None
    )
    context = {
        "account": user,
        "roles": user.role_grants.select_related("department").order_by("role"),
        "memberships": OrganizationMember.objects.filter(person=user)
        .select_related("organization")
        .order_by("organization__name"),
        "organization": organization,
        "members": (
            organization.members.select_related("person").order_by("role")
            if organization is not None
            else []
        ),
        "granted": _authorization_rows(user.agents_granted.select_related("agent")),
        "received": _authorization_rows(user.agencies.select_related("principal")),
        "can_authorize": can_authorize,
        "form": form,
        "two_factor": auth.requires_two_factor(user),
    }
    return render(request, "identity/profile.html", context)


@authenticated
@require_POST
def agent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    authorization = get_object_or_404(AgentAuthorization, pk=pk, principal=user)
    services.revoke_agent(authorization, actor=user, request=request)
    messages.success(
        request, _("已撤销对%(agent)s的代办授权。") % {"agent": authorization.agent.masked_name}
    )
    return redirect("identity:profile")


@authenticated
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        form = PasswordChangeFormZh(user)
        return render(request, "identity/password_change.html", {"form": form})
    form = PasswordChangeFormZh(user, request.POST)
    lock = auth.lockout_for(user.get_username(), audit.client_ip(request))
    if lock is not None:
        # The current password is not even checked while the account is locked.
        auth.record_refusal(user.get_username(), lock, request=request)
        context = {"form": PasswordChangeFormZh(user), "locked_message": _lock_message(lock)}
        return render(request, "identity/password_change.html", context)
    if form.is_valid():
        auth.change_password(request, form)
        messages.success(request, _("密码已修改。您在其他设备上的登录已失效。"))
        return redirect("identity:profile")
    if form.has_error("old_password", "password_incorrect"):
        auth.record_failure(user.get_username(), request=request, reason="password_change")
    return render(request, "identity/password_change.html", {"form": form})


@authenticated
@require_safe
def login_history(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(auth.login_history(user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "record": record,
            "label": HISTORY_LABELS.get(record.action, record.action),
            "reason": LOGOUT_REASONS.get((record.detail or {}).get("reason", ""), "")
            if record.action == "auth.logout"
            else "",
        }
        for record in page.object_list
    ]
    return render(request, "identity/login_history.html", {"page": page, "rows": rows})
