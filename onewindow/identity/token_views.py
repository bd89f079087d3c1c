"""The profile's personal API tokens page: list, create (the secret shown once), revoke.

The new secret is rendered in the response to the POST that created it and nowhere else: not
in the session, not in a message, not in a redirect; the response is marked ``no-store``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import tokens
from .access import authenticated
from .models import ApiToken, User

EXPIRY_CHOICES = [
    ("30", gettext_lazy("30天")),
    ("90", gettext_lazy("90天")),
    ("180", gettext_lazy("180天")),
    ("365", gettext_lazy("1年")),
    ("never", gettext_lazy("永不过期")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=tokens.NAME_MAX_LENGTH,
        help_text=gettext_lazy("例如：本单位办件系统对接、数据报送脚本"),
    )
    expires = forms.ChoiceField(label=gettext_lazy("有效期"), choices=EXPIRY_CHOICES, initial="90")

    def expires_at(self) -> dt.datetime | None:
        value = self.cleaned_data["expires"]
        if value == "never":
            return None
        return timezone.now() + dt.timedelta(days=int(value))


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # @authenticated lets only signed-in accounts through
        raise PermissionDenied
    return user


def _page(
    request: HttpRequest,
    form: TokenCreateForm,
    *,
    created: ApiToken | None = None,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"token": token, "status": tokens.token_status(token, at=now)}
        for token in _user(request).api_tokens.all()
    ]
    response = render(
        request,
        "identity/tokens.html",
        {"form": form, "rows": rows, "created": created, "secret": secret},
        status=status,
    )
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True)
    return response


@authenticated
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """GET: the account's tokens and the form; POST: create one and show its secret once."""
    if request.method != "POST":
        return _page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, secret = tokens.create_token(
            _user(request),
            name=form.cleaned_data["name"],
            expires_at=form.expires_at(),
            actor=_user(request),
            request=request,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _page(request, form, status=400)
    return _page(request, TokenCreateForm(), created=token, secret=secret)


@authenticated
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=_user(request)).first()
    if token is None:
        raise Http404(_("访问令牌不存在"))
    tokens.revoke_token(token, actor=_user(request), request=request)
    messages.success(request, _("已撤销访问令牌“%(name)s”") % {"name": token.name})
    return redirect("identity:tokens")


# Included by identity/urls.py (app_name "identity"): /accounts/tokens/…
token_urlpatterns: list[URLPattern] = [
    path("tokens/", token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_revoke, name="token_revoke"),
]
