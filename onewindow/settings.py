"""OneWindow settings: one module, every outside value read from the environment.

The embedded default (SQLite, eager background work, local files) needs no variable at all.
Production sets ``ONEWINDOW_ENV=production`` and at least ``SECRET_KEY`` (or
``SECRET_KEY_FILE``), ``DATABASE_URL`` and ``ALLOWED_HOSTS``; see ``.env.example``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """A string from the environment, or from the file named by ``<NAME>_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_path}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


ENVIRONMENT = env_str("ONEWINDOW_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"ONEWINDOW_ENV must be development, test or production, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env_str("ONEWINDOW_DATA_DIR", str(PROJECT_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
    SECRET_KEY = "onewindow-development-only-key-not-for-production-use-0123456789"  # noqa: S105

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "onewindow.core",
    "onewindow.org",
    "onewindow.identity",
    # After identity: its oauth2_provider/authorize.html (Chinese consent page) takes precedence.
    "oauth2_provider",
    "onewindow.catalog",
    "onewindow.cases",
    "onewindow.disclosure",
    "onewindow.supervision",
    "onewindow.evaluation",
    "onewindow.hotline",
    "onewindow.licences",
    "onewindow.workbench",
    "onewindow.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "onewindow.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' public pages from the shared cache, before sessions, CSRF and
    # authentication run (core.page_cache, docs/adr/0014-public-page-cache.md).
    "onewindow.core.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "onewindow.identity.sessions.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onewindow.identity.access.AccessMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"
ASGI_APPLICATION = "onewindow.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "onewindow.core.context_processors.platform",
                "onewindow.disclosure.context_processors.emergency_notices",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) unless DATABASE_URL names another server.
_default_sqlite = f"sqlite:///{DATA_DIR / 'onewindow.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
# PostgreSQL in production: a connection pool per process. Under ASGI each request runs in a
# thread of its own, so persistent connections (CONN_MAX_AGE) are never reused and pile up
# until the server refuses clients; the pool hands each request a connection and takes it back.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", PRODUCTION
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }
    # With health checks on, the pool sends a query to the server before it hands out each
    # connection: a round trip on every request. Off, a connection the server dropped (a
    # restart, a failover) fails its first query with a 503 (core.middleware), is discarded
    # when it goes back to the pool, and a fresh one takes its place.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DATABASE_POOL_CHECKS", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
# Django's model backend plus the sign-in lockout (identity.auth), for every authenticate() call.
AUTHENTICATION_BACKENDS = ["onewindow.identity.auth.LockoutModelBackend"]
# Password policy: 等保 2.0 三级 complexity plus ASVS's common-password check (ADR 0005).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "onewindow.identity.password_validation.LengthValidator",
        "OPTIONS": {"min_length": 8, "max_length": 128},
    },
    {
        "NAME": "onewindow.identity.password_validation.CharacterClassValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email", "phone", "id_number")},
    },
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"

# Cache: local memory by default, Redis in production.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "onewindow",
            # One pool per process, not one connection per request (core/cache.py).
            "OPTIONS": {"pool_class": "onewindow.core.cache.SharedConnectionPool"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public page cache (core.page_cache): how long an anonymous visitor's page may be served from
# the cache at most (every tracked change invalidates it at once); 0 turns it off. Off by
# default in development, where templates change under a running server.
ONEWINDOW_PAGE_CACHE_SECONDS = env_int(
    "ONEWINDOW_PAGE_CACHE_SECONDS", 0 if ENVIRONMENT == "development" else 60
)
# Cookies that change a public page, and so are part of its key: elderly mode (适老化). The
# language cookie keys it through the language. Any other cookie but the CSRF cookie and
# these ignored ones (e.g. a site's own analytics cookie) makes the request bypass the cache.
ONEWINDOW_PAGE_CACHE_KEY_COOKIES = ["ow_elderly"]
ONEWINDOW_PAGE_CACHE_IGNORED_COOKIES = env_list("ONEWINDOW_PAGE_CACHE_IGNORED_COOKIES", [])

# Internationalisation: Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static and uploaded files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Background work: Celery with a broker in production, eager in the embedded default.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late, a task whose worker died is delivered again once this many seconds have
# passed (Redis broker; the default is an hour). Every task is idempotent, so a task running
# longer than this and delivered twice does its work once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("ONEWINDOW_CELERY_VISIBILITY_TIMEOUT", 300)
}
# One schedule for both Celery beat and the embedded scheduler of `onewindow run`.
ONEWINDOW_SCHEDULE: dict[str, dict[str, object]] = {
    "calendar-sync": {"task": "onewindow.core.tasks.sync_calendar", "every_seconds": 6 * 3600},
    "search-stats": {
        "task": "onewindow.catalog.tasks.refresh_search_stats",
        "every_seconds": 3600,
    },
    # E-supervision: alerts, rules, rollups, notice escalation (docs/supervision.md).
    "supervision-sweep": {
        "task": "onewindow.supervision.tasks.sweep",
        "every_seconds": env_int("ONEWINDOW_SUPERVISION_SWEEP_SECONDS", 300),
    },
    # Disclosure: scheduled publishing, lapsed consultations, unclarified requests.
    "disclosure-sweep": {
        "task": "onewindow.disclosure.tasks.sweep",
        "every_seconds": env_int("ONEWINDOW_DISCLOSURE_SWEEP_SECONDS", 60),
    },
    # Default ratings 7 days after completion; rectifications past their deadline.
    "evaluation-sweep": {
        "task": "onewindow.evaluation.tasks.sweep_evaluations",
        "every_seconds": 900,
    },
    "licence-sweep": {"task": "onewindow.licences.tasks.sweep_licences", "every_seconds": 3600},
    # Notices lost between an action's commit and the queue are queued again.
    "notice-catch-up": {
        "task": "onewindow.cases.tasks.reissue_missing_notices",
        "every_seconds": 600,
    },
}
# How old a notice-producing case event must be before the catch-up takes its missing notice
# for lost rather than still queued (longer than the queue's usual delay).
ONEWINDOW_NOTICE_GRACE_SECONDS = env_int("ONEWINDOW_NOTICE_GRACE_SECONDS", 600)
CELERY_BEAT_SCHEDULE = {
    name: {"task": entry["task"], "schedule": float(entry["every_seconds"])}  # type: ignore[arg-type]
    for name, entry in ONEWINDOW_SCHEDULE.items()
}

# Security: strict in production, relaxed only where plain HTTP on localhost needs it.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions (identity.sessions.SessionSecurityMiddleware): 30 minutes idle for everyone, 8 hours
# at most for staff, ended when the account is disabled or its password changes.
ONEWINDOW_SESSION_IDLE_SECONDS = env_int("ONEWINDOW_SESSION_IDLE_SECONDS", 30 * 60)
ONEWINDOW_STAFF_SESSION_MAX_SECONDS = env_int("ONEWINDOW_STAFF_SESSION_MAX_SECONDS", 8 * 3600)
# The cookie ends with the browser; the store keeps a session at most this long after its last
# save, long enough for the middleware to see an expired session and say why it ended.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = max(ONEWINDOW_SESSION_IDLE_SECONDS, ONEWINDOW_STAFF_SESSION_MAX_SECONDS)
# Sign-in lockout (identity.auth): this many failures within the window, per account or per
# address, refuse further attempts until the window has passed since the last failure.
ONEWINDOW_LOCKOUT_FAILURES = env_int("ONEWINDOW_LOCKOUT_FAILURES", 5)
ONEWINDOW_LOCKOUT_SECONDS = env_int("ONEWINDOW_LOCKOUT_SECONDS", 30 * 60)
# The name authenticator apps show next to a staff account's TOTP codes.
OTP_TOTP_ISSUER = env_str("ONEWINDOW_TOTP_ISSUER", "OneWindow")
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Personal data: SM4 key for encryption at rest and the SM3-HMAC key for searchable digests
# (32 hex characters each, or *_FILE). Outside production they derive from SECRET_KEY.
def _derived_key(purpose: str) -> str:
    import hashlib

    return hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).hexdigest()[:32]


ONEWINDOW_FIELD_KEY = env_str("ONEWINDOW_FIELD_KEY") or (
    "" if PRODUCTION else _derived_key("field-key")
)
ONEWINDOW_DIGEST_KEY = env_str("ONEWINDOW_DIGEST_KEY") or (
    "" if PRODUCTION else _derived_key("digest-key")
)
if PRODUCTION and not (ONEWINDOW_FIELD_KEY and ONEWINDOW_DIGEST_KEY):
    raise ImproperlyConfigured(
        "ONEWINDOW_FIELD_KEY and ONEWINDOW_DIGEST_KEY (or *_FILE) are required in production"
    )

# Platform settings.
ONEWINDOW_CENTER_NAME = env_str("ONEWINDOW_CENTER_NAME", "")
ONEWINDOW_SEARCH_MAX_QUERY = env_int("ONEWINDOW_SEARCH_MAX_QUERY", 100)
# Largest accepted upload (API.md "Files": 20 MB unless configured); match nginx's
# client_max_body_size.
ONEWINDOW_UPLOAD_MAX_BYTES = env_int("ONEWINDOW_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The public address printed in notices' QR codes (the progress page).
ONEWINDOW_PUBLIC_URL = env_str("ONEWINDOW_PUBLIC_URL", "http://127.0.0.1:8000")
ONEWINDOW_API_MAX_PAGE_SIZE = 100

# E-supervision (电子监察): yellow when the working days left are at most this share of the
# limit (and at least this many); per-item overrides are AlertThreshold rows (admin).
ONEWINDOW_SUPERVISION_YELLOW_PERCENT = env_int("ONEWINDOW_SUPERVISION_YELLOW_PERCENT", 20)
ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS = env_int("ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS", 1)
# Memory for the sweep's sorts and hashes (PostgreSQL work_mem, set for its transaction only).
ONEWINDOW_SUPERVISION_WORK_MEM = os.environ.get("ONEWINDOW_SUPERVISION_WORK_MEM", "64MB")
# An unanswered supervision notice earns a yellow card past its deadline, a red one this many
# working days later.
ONEWINDOW_SUPERVISION_RED_CARD_WORKDAYS = env_int("ONEWINDOW_SUPERVISION_RED_CARD_WORKDAYS", 3)
# How long the sweep waits for a case event whose id it skipped (an uncommitted transaction).
ONEWINDOW_SUPERVISION_PENDING_EVENT_SECONDS = env_int(
    "ONEWINDOW_SUPERVISION_PENDING_EVENT_SECONDS", 3600
)

# 12345 hotline: reply deadlines by kind of request, in working days from acceptance
# (咨询 2, 求助 and 建议 10, 投诉 and 举报 15), and the extension rules.
HOTLINE_DEADLINE_WORKDAYS = {
    "consultation": env_int("ONEWINDOW_HOTLINE_DAYS_CONSULTATION", 2),
    "help": env_int("ONEWINDOW_HOTLINE_DAYS_HELP", 10),
    "suggestion": env_int("ONEWINDOW_HOTLINE_DAYS_SUGGESTION", 10),
    "complaint": env_int("ONEWINDOW_HOTLINE_DAYS_COMPLAINT", 15),
    "report": env_int("ONEWINDOW_HOTLINE_DAYS_REPORT", 15),
}
HOTLINE_MAX_EXTENSION_WORKDAYS = env_int("ONEWINDOW_HOTLINE_MAX_EXTENSION_WORKDAYS", 10)
HOTLINE_MAX_EXTENSIONS = env_int("ONEWINDOW_HOTLINE_MAX_EXTENSIONS", 1)
# Open311 GeoReport v2: the jurisdiction_id this endpoint answers for ("" accepts any).
HOTLINE_OPEN311_JURISDICTION = env_str("ONEWINDOW_OPEN311_JURISDICTION", "")

# --- E-licences and e-seals (onewindow.licences, docs/licences.md) ---------------------------
# The platform CA's private key and the departments' seal keys are encrypted PEM files, never
# database rows: `onewindow licences-init-ca` writes the CA key to ONEWINDOW_LICENCE_CA_KEY_PATH,
# `onewindow licences-issue-seal <department code>` writes a seal's two keys (ECDSA P-256 and
# SM2) into ONEWINDOW_LICENCE_SEAL_KEY_DIR. Every web and worker node needs the seal directory
# (a mounted secret). Passphrases: ONEWINDOW_LICENCE_CA_PASSPHRASE and
# ONEWINDOW_LICENCE_SEAL_PASSPHRASE (or *_FILE); in production, creating or using a key without
# them fails with ImproperlyConfigured; elsewhere they derive from SECRET_KEY.
ONEWINDOW_LICENCE_CA_KEY_PATH = Path(
    env_str("ONEWINDOW_LICENCE_CA_KEY_PATH", str(DATA_DIR / "licences" / "ca-key.pem"))
)
ONEWINDOW_LICENCE_SEAL_KEY_DIR = Path(
    env_str("ONEWINDOW_LICENCE_SEAL_KEY_DIR", str(DATA_DIR / "licences" / "seals"))
)
ONEWINDOW_LICENCE_CA_PASSPHRASE = env_str("ONEWINDOW_LICENCE_CA_PASSPHRASE") or (
    "" if PRODUCTION else _derived_key("licence-ca-passphrase")
)
ONEWINDOW_LICENCE_SEAL_PASSPHRASE = env_str("ONEWINDOW_LICENCE_SEAL_PASSPHRASE") or (
    "" if PRODUCTION else _derived_key("licence-seal-passphrase")
)
# Public verification (page and API) per client address and minute.
ONEWINDOW_LICENCE_VERIFY_PER_MINUTE = env_int("ONEWINDOW_LICENCE_VERIFY_PER_MINUTE", 30)
# --- end of e-licences and e-seals ----------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Identity: OpenID Connect provider (django-oauth-toolkit), personal API tokens ----------
# Department systems sign users in through the platform (统一身份认证): authorization code with
# PKCE (S256) only, RS256-signed ID tokens, tokens stored hashed. Clients are registered in the
# admin. The signing key: ONEWINDOW_OIDC_PRIVATE_KEY (PEM) or ONEWINDOW_OIDC_PRIVATE_KEY_FILE,
# required in production; elsewhere a development key is generated once in DATA_DIR.
# ONEWINDOW_OIDC_ISSUER (e.g. https://zwfw.example.gov.cn) pins the issuer; without it the
# issuer is the site root of the request (API.md: /.well-known/openid-configuration).
def _oidc_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = env_str("ONEWINDOW_OIDC_PRIVATE_KEY")
    if not pem:
        if PRODUCTION:
            raise ImproperlyConfigured(
                "ONEWINDOW_OIDC_PRIVATE_KEY (or ONEWINDOW_OIDC_PRIVATE_KEY_FILE) is required in "
                "production: an RSA private key (PEM, at least 2048 bits) to sign ID tokens"
            )
        dev_key = DATA_DIR / "oidc-dev-key.pem"
        if not dev_key.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            generated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            body = generated.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            partial = dev_key.with_name(f".{dev_key.name}.{os.getpid()}")
            partial.write_bytes(body)
            partial.chmod(0o600)
            try:  # atomic and first-writer-wins when several processes start at once
                os.link(partial, dev_key)
            except FileExistsError:
                pass
            finally:
                partial.unlink()
        pem = dev_key.read_text(encoding="ascii")
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "ONEWINDOW_OIDC_PRIVATE_KEY is not an unencrypted PEM private key"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ImproperlyConfigured(
            "ONEWINDOW_OIDC_PRIVATE_KEY must be an RSA key of 2048 bits or more"
        )
    return pem


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    "OIDC_ISS_ENDPOINT": env_str("ONEWINDOW_OIDC_ISSUER").rstrip("/"),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    "OAUTH2_VALIDATOR_CLASS": "onewindow.identity.oidc.OneWindowValidator",
    "SCOPES": {
        "openid": _("确认您的身份（匿名标识、账户类型和角色）"),
        "profile": _("读取您的姓名和用户名"),
        "phone": _("读取您的手机号码"),
        "read": _("以您的身份查询您在平台上的办件、证照等信息"),
        "write": _("以您的身份在平台上提交和办理业务"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "REQUEST_APPROVAL_PROMPT": "auto",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, no "plain" PKCE, no
    # tokens in query strings, `iss` in authorization responses, tokens hashed at rest.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": PRODUCTION,
}
# Personal API tokens: how many unrevoked tokens an account may hold.
ONEWINDOW_API_TOKENS_PER_USER = env_int("ONEWINDOW_API_TOKENS_PER_USER", 20)
# --- end of identity: OpenID Connect provider, personal API tokens ---------------------------
