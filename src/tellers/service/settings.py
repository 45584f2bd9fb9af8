"""Settings, read from the environment so one file serves a laptop and a national ballot.

Embedded default: SQLite in ``tellers.sqlite3`` in the working directory, e-mail printed to the
console, background work run in-process.  Production sets ``DATABASE_URL`` (PostgreSQL),
``TELLERS_SECRET_KEY``, ``TELLERS_ALLOWED_HOSTS``, ``TELLERS_DEBUG=0``, an e-mail backend and
``CELERY_BROKER_URL``; :mod:`tellers.service.checks` refuses to start an unsafe production
configuration (docs/deploy.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [s.strip() for s in os.environ.get(name, default).split(",") if s.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
#: Where the embedded default keeps its database and its generated secret key.
DATA_DIR = Path(os.environ.get("TELLERS_DATA_DIR", Path.cwd())).resolve()

DEBUG = _env_bool("TELLERS_DEBUG", default=True)


def _secret_key() -> str:
    key = os.environ.get("TELLERS_SECRET_KEY")
    if key:
        return key
    # The embedded default keeps a generated key beside its database, so links e-mailed by
    # one run of `tellers serve` still verify in the next.  Production must set the variable
    # (checks.py refuses DEBUG off without it).
    path = DATA_DIR / ".tellers-secret-key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    import secrets

    key = secrets.token_urlsafe(50)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


SECRET_KEY = _secret_key()
#: Keyed hashes of voters' tokens use their own key, so rotating SECRET_KEY (sessions, CSRF)
#: does not silently invalidate every link already e-mailed.
TELLERS_TOKEN_KEY = os.environ.get("TELLERS_TOKEN_KEY", SECRET_KEY)

ALLOWED_HOSTS = _env_list("TELLERS_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("TELLERS_CSRF_TRUSTED_ORIGINS")
#: The address voters' links point at (scheme and host, no trailing slash).
TELLERS_BASE_URL = os.environ.get("TELLERS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin site, as a subclass that asks enrolled users for their second factor.
    "tellers.service.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tellers.service.audit",
    "tellers.service.elections",
    "tellers.service.ballots",
    "tellers.service.publication",
    "tellers.service.nominations",
    "tellers.service.hustings",
    "tellers.service.scrutiny",
    "tellers.service.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: request.user.is_verified(), then the step after the password.
    "django_otp.middleware.OTPMiddleware",
    "tellers.service.accounts.middleware.TwoFactorMiddleware",
    # Turns a rate-limited request into the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its own response.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): five failures for one username from one address lock
# that pair out for an hour; a success clears the count.  Keyed on the pair, so a guesser
# cannot lock a returning officer out from elsewhere on the night of the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = _env_bool("TELLERS_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("TELLERS_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the proxy the client's address is the last hop the proxy adds.
AXES_IPWARE_PROXY_COUNT = 1 if _env_bool("TELLERS_BEHIND_PROXY", False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if _env_bool("TELLERS_BEHIND_PROXY", False)
    else ["REMOTE_ADDR"]
)

# Two-factor sign-in (django-otp, TOTP): a user with a confirmed authenticator must give a
# code after the password, on the service's pages and the admin site alike.  With
# TELLERS_REQUIRE_2FA on, every official (staff, or in any role group) must enrol before
# any other page will serve them.
TELLERS_REQUIRE_2FA = _env_bool("TELLERS_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = os.environ.get("TELLERS_OTP_ISSUER", "tellers")

# The cache: rate-limit counters live here.  Local memory is per process, right for the
# embedded default; several app servers or gunicorn workers need a shared cache
# (TELLERS_CACHE_URL=redis://host:6379/1), or each keeps its own counts.
TELLERS_CACHE_URL = os.environ.get("TELLERS_CACHE_URL", "")
CACHES: dict[str, Any] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": TELLERS_CACHE_URL}
        if TELLERS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions live in the shared cache wherever there is one, otherwise in the database.  A
# voter's session is read on each of their six requests, written on two and deleted on the
# third: in the database that was 16 of a voter's 39 SQL statements (bench/service_profile.py).
# In Redis the database no longer keeps a row pairing a voter's token hash with the ranking
# they marked but have not yet cast (a row, and its dead versions and WAL records, a stolen
# database or backup would carry).  A session lost with the cache (a restart without
# persistence, an eviction) signs an official out and sends a voter back to their link, which
# is still unspent until the cast; docs/deploy.md says how to run that Redis.
# TELLERS_SESSIONS=db keeps them in the database; local memory never holds them (one
# process's own: a second worker would not know the session).
TELLERS_SESSIONS = os.environ.get("TELLERS_SESSIONS", "cache" if TELLERS_CACHE_URL else "db")
if TELLERS_SESSIONS not in {"cache", "db"}:
    raise ImproperlyConfigured(f"TELLERS_SESSIONS is {TELLERS_SESSIONS!r}: use 'cache' or 'db'.")
if TELLERS_SESSIONS == "cache" and not TELLERS_CACHE_URL:
    raise ImproperlyConfigured("TELLERS_SESSIONS=cache needs a shared cache (TELLERS_CACHE_URL).")
SESSION_ENGINE = f"django.contrib.sessions.backends.{TELLERS_SESSIONS}"
# Rate limits (django-ratelimit) on the links that exchange a token for a session and on
# the forms that e-mail a sign-in link: per client address and per token or address.
# TELLERS_RATE_LIMITS=0 turns them off (a load test from one address, never a ballot).
RATELIMIT_ENABLE = _env_bool("TELLERS_RATE_LIMITS", default=True)
RATELIMIT_VIEW = "tellers.service.ratelimits.too_many"
RATELIMIT_IP_META_KEY = "tellers.service.ratelimits.client_ip"
TELLERS_RATE_LINK_IP = os.environ.get("TELLERS_RATE_LINK_IP", "120/m")
TELLERS_RATE_LINK_TOKEN = os.environ.get("TELLERS_RATE_LINK_TOKEN", "20/h")
TELLERS_RATE_SIGN_IN_IP = os.environ.get("TELLERS_RATE_SIGN_IN_IP", "30/h")
TELLERS_RATE_SIGN_IN_ADDRESS = os.environ.get("TELLERS_RATE_SIGN_IN_ADDRESS", "5/h")
TELLERS_RATE_OTP_IP = os.environ.get("TELLERS_RATE_OTP_IP", "30/h")
# django-ratelimit calls local memory "not shared" (an error) and Django's own RedisCache
# "not officially supported" (a warning): both are deliberate here, the first for one
# process only (docs/deploy.md), the second because RedisCache increments atomically.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if TELLERS_CACHE_URL else ["django_ratelimit.E003"]
)

# Content-Security-Policy on every response (django-csp): scripts only from this site
# (every script is a file: no inline script, no eval), no plugins, no framing, forms post
# only here.  Inline styles are allowed because the result sheet's SVG charts carry style
# attributes and the embedded report brings its own <style>; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "tellers.service.urls"
WSGI_APPLICATION = "tellers.service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "tellers.sqlite3"}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock when a transaction starts, so two voters' casts
        # queue behind each other instead of one failing on a lock upgrade; WAL lets
        # readers go on while a ballot is written.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file, not memory, in tests too: concurrent casts need a shared database.
        db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / "test-tellers.sqlite3")
    return {"default": db}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "elections:dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TELLERS_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("TELLERS_STATIC_ROOT", DATA_DIR / "staticfiles"))
# The site-wide CSS, scripts and vendored libraries live beside settings, in no app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# A 500,000-member roll is about 40 MB of CSV.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "TELLERS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("TELLERS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TELLERS_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TELLERS_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TELLERS_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("TELLERS_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("TELLERS_FROM_EMAIL", "tellers@localhost")
#: Where the file-based backend (django.core.mail.backends.filebased) writes messages.
EMAIL_FILE_PATH = os.environ.get("TELLERS_EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))

# Background work: Celery on Redis where a broker is named; otherwise every task runs
# in-process when it is enqueued (one code path: the same task functions either way).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Production hardening: on whenever DEBUG is off (checks.py refuses to run without them).
SECURE_SSL_REDIRECT = _env_bool("TELLERS_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("TELLERS_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("TELLERS_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A voter's link carries a token in its path: no Referer may carry it to another site.
# (SECURE_REFERRER_POLICY above) and the ballot pages are never cached (views set it).

# [Invariant 3] Every logger that writes request paths passes through RedactTokens, so a
# voter's /vote/<token>/ never reaches a log line (gunicorn's own loggers: gunicorn_conf.py).
# Naming a logger here replaces its handlers, so django.server's are restated.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "tellers.service.logging.RedactTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
    },
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
        "django.request": {"filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TELLERS_LOG_LEVEL", "WARNING")},
}
