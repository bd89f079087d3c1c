"""Authentication of API callers: ``Authorization: Bearer <token>`` (API.md "Conventions").

A token is either a personal API token (``ow_…``, see ``identity.tokens``) or an access token
issued by the platform's own OpenID provider (django-oauth-toolkit), checked by the provider's
validator: known, not expired, within its resource, its account active. Personal tokens act
with the holder's full rights. OAuth access tokens act within their scopes: reads (GET, HEAD,
OPTIONS) need ``read`` or ``write``, other methods ``write``; a token without them is refused
with 403. Operations may widen what they accept (``/me`` also takes ``openid``).

A missing or invalid token raises ninja's ``AuthenticationError``, which the API answers with
401 and the error envelope. On success ``request.auth`` and ``request.user`` are the account and
``request.api_credential`` says how it was proven. Session cookies are not accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OAuthlibRequest

from . import tokens
from .models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_SCOPES = frozenset({"read", "write"})
WRITE_SCOPES = frozenset({"write"})
MAX_TOKEN_LENGTH = 512


@dataclass(frozen=True)
class ApiCredential:
    kind: str  # "personal" or "oauth"
    scopes: frozenset[str] | None  # None: a personal token, the holder's full rights
    client_id: str = ""  # the OAuth client (department system) acting for the user


class ApiBearer(HttpBearer):
    """Personal API tokens and the provider's OAuth2/OIDC access tokens."""

    def __init__(
        self,
        *,
        read_scopes: Iterable[str] = READ_SCOPES,
        write_scopes: Iterable[str] = WRITE_SCOPES,
    ) -> None:
        super().__init__()
        self.read_scopes = frozenset(read_scopes)
        self.write_scopes = frozenset(write_scopes)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        credential: ApiCredential | None
        if tokens.looks_like_personal_token(token):
            user = tokens.authenticate_token(token)
            credential = ApiCredential(kind="personal", scopes=None)
        else:
            user, credential = _oauth_user(request, token)
        if user is None or credential is None:
            return None
        if credential.scopes is not None:
            needed = self.read_scopes if request.method in SAFE_METHODS else self.write_scopes
            if not credential.scopes & needed:
                raise HttpError(
                    403,
                    _("访问令牌的授权范围不足，需要：%(scopes)s")
                    % {"scopes": ", ".join(sorted(needed))},
                )
        request.user = user
        request.api_credential = credential  # type: ignore[attr-defined]
        return user


def _oauth_user(request: HttpRequest, token: str) -> tuple[User | None, ApiCredential | None]:
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    oauth_request = OAuthlibRequest(request.build_absolute_uri(), http_method=request.method)
    if not validator.validate_bearer_token(token, [], oauth_request):
        return None, None
    user = oauth_request.user
    if user is None or not user.is_active:  # client-credentials tokens carry no user
        return None, None
    client = getattr(oauth_request, "client", None)
    credential = ApiCredential(
        kind="oauth",
        scopes=frozenset(oauth_request.scopes or ()),
        client_id=getattr(client, "client_id", "") or "",
    )
    return user, credential


def api_user(request: HttpRequest) -> User:
    """The authenticated account of an API operation that requires a token."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("api_user() needs an operation with token authentication")
    return user


def api_credential(request: HttpRequest) -> ApiCredential | None:
    credential: ApiCredential | None = getattr(request, "api_credential", None)
    return credential


# The API's default: every operation requires a token unless it says ``auth=None``.
bearer = ApiBearer()
