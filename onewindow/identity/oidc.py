"""The platform's OpenID Connect provider (统一身份认证), on django-oauth-toolkit.

Department systems register as clients in the admin and sign users in with the authorization
code flow and PKCE (S256). The issuer is the site root (``ONEWINDOW_OIDC_ISSUER`` when set,
else derived from the request); discovery is served at ``/.well-known/openid-configuration``
and, for clients that look under the provider's mount, at ``/o/.well-known/...``. The signing
key is loaded in settings (``ONEWINDOW_OIDC_PRIVATE_KEY`` / ``*_FILE``, a development key
outside production).

Claims, by scope (ID token and userinfo alike):

- ``openid``: ``sub`` — a keyed SM3-HMAC of the account's id (stable, not the username, reveals
  nothing; it changes only if ``ONEWINDOW_DIGEST_KEY`` is rotated), ``kind`` (person,
  organization, staff), ``roles`` and ``masked_name`` (``张*``, for display);
- ``profile``: ``name`` (the real name — only with this scope), ``preferred_username`` and,
  for organisation accounts, ``organization`` ``{name, credit_code}``;
- ``phone``: ``phone_number`` (E.164, ``+8613812345678``).

Access tokens of deactivated accounts stop working at once (userinfo, the API, refresh).
"""

from __future__ import annotations

import json
from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, get_script_prefix, path, re_path
from oauth2_provider import views as oauth2_views
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.signals import app_authorized
from oauthlib.common import Request as OAuthlibRequest

from onewindow.core import audit, crypto

from .access import public
from .models import User

SUB_PURPOSE = "oidc_sub"


def subject(user: User) -> str:
    """The ``sub`` claim: stable per account, opaque, the same for every client."""
    return crypto.digest(str(user.pk), purpose=SUB_PURPOSE)


class _OAuthlibHttpRequest(HttpRequest):
    """Enough of a Django request, rebuilt from an oauthlib one, to build absolute URLs."""

    def __init__(self, request: OAuthlibRequest) -> None:
        super().__init__()
        self.META = dict(request.headers)
        self._secure = bool(request.headers.get("X_DJANGO_OAUTH_TOOLKIT_SECURE"))

    def _get_scheme(self) -> str:
        return "https" if self._secure else "http"


def issuer(request: HttpRequest | OAuthlibRequest) -> str:
    """The issuer identifier: ``ONEWINDOW_OIDC_ISSUER``, else the site root of the request."""
    configured: str = oauth2_settings.OIDC_ISS_ENDPOINT
    if configured:
        return configured
    if not isinstance(request, HttpRequest):
        request = _OAuthlibHttpRequest(request)
    return request.build_absolute_uri(get_script_prefix()).rstrip("/")


def _phone_number(user: User) -> str:
    return f"+86{user.phone}" if user.phone else ""


def _organization(user: User) -> dict[str, str] | None:
    if user.kind != User.Kind.ORGANIZATION:
        return None
    organization = getattr(user, "organization", None)
    if organization is None:
        return None
    return {"name": organization.name, "credit_code": organization.credit_code}


class OneWindowValidator(OAuth2Validator):
    """django-oauth-toolkit's validator with the platform's claims, issuer and account checks."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "sub": "openid",
        "kind": "openid",
        "roles": "openid",
        "masked_name": "openid",
        "name": "profile",
        "preferred_username": "profile",
        "organization": "profile",
        "phone_number": "phone",
    }

    def get_additional_claims(self) -> dict[str, Any]:
        # Request-agnostic form: the keys double as the discovery document's claims_supported.
        return {
            "sub": lambda request: subject(request.user),
            "kind": lambda request: request.user.kind,
            "roles": lambda request: sorted(request.user.role_names()),
            "masked_name": lambda request: request.user.masked_name,
            "name": lambda request: request.user.name,
            "preferred_username": lambda request: request.user.get_username(),
            "organization": lambda request: _organization(request.user),
            "phone_number": lambda request: _phone_number(request.user),
        }

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        claims = super().get_oidc_claims(token, token_handler, request)
        return {key: value for key, value in claims.items() if value not in (None, "")}

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return issuer(request)

    # A deactivated account loses every token at once, whatever its expiry.
    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        return _active(request)

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        return _active(request)

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        return _active(request)


def _active(request: Any) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active)


@receiver(app_authorized, dispatch_uid="identity.oidc.token_issued")
def audit_token_issued(sender: Any, request: HttpRequest, token: Any, **kwargs: Any) -> None:
    """Every access token the token endpoint issues (code exchange or refresh), never its value.

    Connected when this module is imported, which the URLconf does before any request.
    """
    application = token.application
    audit.record(
        "oidc.token_issued",
        actor=token.user,
        object_type="oauth2_provider.application",
        object_id=str(token.application_id or ""),
        detail={
            "client_id": getattr(application, "client_id", ""),
            "application": getattr(application, "name", ""),
            "scope": token.scope,
            "grant_type": request.POST.get("grant_type", ""),
        },
        request=request,
    )


class DiscoveryView(oauth2_views.ConnectDiscoveryInfoView):
    """OpenID Provider metadata naming the platform's issuer and only what it accepts."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        data = json.loads(response.content)
        data.update(
            issuer=issuer(request),
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
            grant_types_supported=list(oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED),
            claims_supported=sorted(data.get("claims_supported", [])),
        )
        revocation = self._get_endpoint_url(request, "revoke-token")
        if revocation:
            data["revocation_endpoint"] = revocation
        metadata = JsonResponse(data)
        metadata["Access-Control-Allow-Origin"] = "*"
        return metadata


discovery_view = public(DiscoveryView.as_view())
# RFC 8414 metadata at the site root, where it belongs for an issuer without a path.
server_metadata_view = public(oauth2_views.OAuthServerMetadataView.as_view())

# What the provider publishes under /o/ (namespace "oauth2_provider"). Deliberately not the
# toolkit's whole urls.py: clients are registered in the admin only (no self-service
# application pages), and no device flow, dynamic registration or introspection.
oauth2_urlpatterns: list[URLPattern] = [
    path("authorize/", oauth2_views.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
]

# Served at the site root (outside any namespace, hence @public).
well_known_urlpatterns: list[URLPattern] = [
    path(".well-known/openid-configuration", discovery_view, name="oidc_discovery"),
    path(
        ".well-known/oauth-authorization-server",
        server_metadata_view,
        name="oauth_server_metadata",
    ),
]
