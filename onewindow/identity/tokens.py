"""Personal API tokens: ``Authorization: Bearer ow_…`` for scripts and the command line.

A token is shown once, when it is created, and stored only as a keyed SM3-HMAC digest
(``crypto.digest``) with a short prefix for display. The secret is ``ow_`` followed by 256
random bits in lower-case base32: the digest folds case, and base32 loses nothing by it.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core import audit, crypto

from .models import ApiToken, Role, User

SECRET_PREFIX = "ow_"  # noqa: S105 (a marker, not a secret)
SECRET_BYTES = 32
# "ow_" + 52 base32 characters; anything longer is not one of ours.
SECRET_MAX_LENGTH = 64
DISPLAY_PREFIX_LENGTH = 9  # "ow_" + 6 characters
DIGEST_PURPOSE = "api_token"
NAME_MAX_LENGTH = 100
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# Who may revoke someone else's token (besides its holder and the console).
REVOKING_ROLES = (Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN)


def _new_secret() -> str:
    body = base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")
    return SECRET_PREFIX + body.rstrip("=").lower()


def _digest(secret: str) -> str:
    return crypto.digest(secret, purpose=DIGEST_PURPOSE)


def looks_like_personal_token(secret: str) -> bool:
    """Personal tokens start with ``ow_``; the OAuth provider's tokens never contain ``_``."""
    return secret.startswith(SECRET_PREFIX)


def token_status(token: ApiToken, *, at: dt.datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked``."""
    at = at or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= at:
        return "expired"
    return "active"


def active_tokens(user: User) -> list[ApiToken]:
    now = timezone.now()
    return list(
        user.api_tokens.filter(revoked_at=None).filter(Q(expires_at=None) | Q(expires_at__gt=now))
    )


@transaction.atomic
def create_token(
    user: User,
    *,
    name: str,
    expires_at: dt.datetime | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``: ``(token, secret)``. The secret exists only in the return value.

    ``actor`` is the holder themself (profile page) or ``None`` for the console
    (``onewindow token create``). Raises ``ValidationError`` with per-field messages.
    """
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("用途须为1至%(n)d个字符") % {"n": NAME_MAX_LENGTH}]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("失效时间须晚于当前时间")]
    if actor is not None and actor.pk != user.pk:
        errors["user"] = [_("只能为本人账户创建访问令牌")]
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        errors["user"] = [_("该账户已停用，不能创建访问令牌")]
    limit: int = settings.ONEWINDOW_API_TOKENS_PER_USER
    if len(active_tokens(user)) >= limit:
        errors["name"] = [
            _("有效令牌已达%(n)d个，请先撤销不再使用的令牌") % {"n": limit},
        ]
    if errors:
        raise ValidationError(errors)
    secret = _new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        digest=_digest(secret),
        expires_at=expires_at,
    )
    audit.record(
        "identity.create_api_token",
        actor=actor,
        obj=token,
        detail={
            "holder": user.get_username(),
            "name": name,
            "prefix": token.prefix,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        request=request,
    )
    return token, secret


@transaction.atomic
def revoke_token(
    token: ApiToken, *, actor: User | None, request: HttpRequest | None = None
) -> ApiToken:
    """Revoke ``token`` (idempotent): its holder, a security or system administrator, or the
    console (``actor=None``)."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if actor is not None and actor.pk != token.user_id and not actor.has_role(*REVOKING_ROLES):
        raise ValidationError({"token": [_("只能撤销本人的访问令牌")]})
    already = token.revoked_at is not None
    if not already:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit.record(
        "identity.revoke_api_token",
        actor=actor,
        obj=token,
        detail={
            "holder": token.user.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "already_revoked": already,
        },
        request=request,
    )
    return token


def authenticate_token(secret: str) -> User | None:
    """The active account a presented secret belongs to, or ``None``.

    Refuses unknown, revoked and expired tokens and deactivated accounts. Records the time of
    use at most once a minute per token (one conditional UPDATE, no read-modify-write).
    """
    if (
        not secret
        or len(secret) > SECRET_MAX_LENGTH
        or not looks_like_personal_token(secret)
        or not secret.isascii()
    ):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret)).first()
    now = timezone.now()
    if token is None or token_status(token, at=now) != "active" or not token.user.is_active:
        return None
    stale = now - LAST_USED_RESOLUTION
    if token.last_used_at is None or token.last_used_at < stale:  # else no write at all
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at=None) | Q(last_used_at__lt=stale)
        ).update(last_used_at=now)
    return token.user
