"""Access is denied by default: every view declares who may use it.

``@public``, ``@authenticated`` and ``@require_roles(...)`` attach an ``AccessRule`` to a view
(function or class); ``AccessMiddleware`` refuses any view without one and enforces the rule
before the view runs. The API (django-ninja, per-operation ``auth``), the admin (Django's own
staff check) and the OpenID provider (OAuth2 checks) enforce their own access and are the only
delegated namespaces. Every refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from onewindow.core import audit

V = TypeVar("V", bound=Callable[..., Any])

# URL namespaces whose views enforce access themselves.
DELEGATED_NAMESPACES = frozenset({"api", "admin", "oauth2_provider"})


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    description: str = ""

    def allows(self, user: Any) -> bool:
        if self.public:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        return not self.roles or user.has_role(*self.roles)


def _attach(rule: AccessRule) -> Callable[[V], V]:
    def decorate(view: V) -> V:
        view.access = rule  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: V) -> V:
    """Anyone, including anonymous visitors."""
    return _attach(AccessRule(public=True, description="public"))(view)


def authenticated(view: V) -> V:
    """Any signed-in account."""
    return _attach(AccessRule(description="authenticated"))(view)


def require_roles(*roles: str) -> Callable[[V], V]:
    """Signed-in accounts holding at least one of ``roles``."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    return _attach(AccessRule(roles=frozenset(roles), description="roles: " + ", ".join(roles)))


def rule_of(view: Any) -> AccessRule | None:
    rule = getattr(view, "access", None)
    if rule is None:
        rule = getattr(getattr(view, "view_class", None), "access", None)
    return rule


def deny(request: HttpRequest, reason: str) -> HttpResponse:
    user = getattr(request, "user", None)
    audit.record(
        "access.denied",
        outcome="denied",
        request=request,
        object_type="url",
        object_id=request.path[:64],
        detail={"reason": reason, "method": request.method},
    )
    if user is None or not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    raise PermissionDenied(reason)


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Iterable[Any], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and set(match.namespaces) & DELEGATED_NAMESPACES:
            return None
        rule = rule_of(view)
        if rule is None:
            return deny(request, "no access rule declared")
        if rule.allows(request.user):
            return None
        return deny(request, rule.description)
