"""Service Oasis settings, read from the environment.

Every value comes from an environment variable with a development default, except the secret
key, which has no default outside DEBUG. Malformed values fail loudly at start-up.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from `NAME`, or from the file named by `NAME_FILE` (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r}: {exc}") from exc
    return os.environ.get(name, "")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "import_export",
    "core",
    "stores",
    "observations",
    "reports",
    "api",
    "notifications",
    "mobile",
    "planning",
    "coaching",
    "photos",
    "sso",
    "webhooks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "project.middleware.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "project.middleware.SessionLifetimeMiddleware",
    "project.middleware.DatabaseUnavailableMiddleware",
    "core.errors.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "project.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "project.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PREPARE_THRESHOLD:
    # psycopg prepares a statement once a connection has run it this many times (its own option;
    # Django turns it off unless given). Only statements whose values travel apart from the text
    # are prepared: a submission's (observations.submission_sql), which the database then parses
    # and plans once per connection. Behind a connection pooler that cannot keep prepared
    # statements (PgBouncer before 1.21 in transaction mode) set DATABASE_PREPARE_THRESHOLD=0.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = PREPARE_THRESHOLD
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, tests that race submissions) write to one file: wait for the
    # lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "stores.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "project.auth_backends.AttemptLimitedModelBackend",
]

# Brute-force protection (django-axes) on the login page and the token endpoint: after
# AXES_FAILURE_LIMIT failures for the same user name from the same address, that pair is locked
# for AXES_COOLOFF_MINUTES. The counter is a row updated with SELECT ... FOR UPDATE.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "core.throttling.locked_out"
# One answer to "which address is the client?" (core.client_address) for axes, the attempt
# limiter and the API's throttles.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
# A company sign-in (OpenID Connect callback) is no password guess: it is never counted or locked.
AXES_WHITELIST_CALLABLE = "sso.views.company_sign_in"

# Proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed; default none:
# the address a request comes from is the client. Behind a load balancer, list its address(es).
OASIS_TRUSTED_PROXIES = env_list("OASIS_TRUSTED_PROXIES", [])
for _proxy in OASIS_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"OASIS_TRUSTED_PROXIES: {_proxy!r} is not an address or network") from exc

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security ---------------------------------------------------------------------------------
# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (and make sure the
# proxy overwrites that header); SECURE_SSL_REDIRECT can be switched off when the proxy redirects.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer probes over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The mobile form's service worker and scripts are served from this origin; nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates without the US month-first order or a 12-hour clock (project/formats/en).
FORMAT_MODULE_PATH = ["project.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Service Oasis <oasis@localhost>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Single sign-on (OpenID Connect, mozilla-django-oidc) -------------------------------------
# Staff sign in with the company's identity provider when OIDC_RP_CLIENT_ID is set; local accounts
# (shoppers, head office's break-glass account) keep logging in with a password. Roles come from
# the OIDC_ROLE_CLAIM claim through the role mappings head office edits (sso.services).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OASIS_SSO = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_secret("OIDC_RP_CLIENT_SECRET")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
if OASIS_SSO:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set: single sign-on also needs {', '.join(_missing)}")
    AUTHENTICATION_BACKENDS.append("sso.backends.OpenIDConnectBackend")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile groups")
OIDC_ROLE_CLAIM = os.environ.get("OIDC_ROLE_CLAIM", "groups")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT", 10.0)
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # DRF's own address lookup believes X-Forwarded-For unless told how many proxies there are;
    # our throttles use core.client_address, and any other sees only REMOTE_ADDR.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        # Failed log-ins per client address, login page and token endpoint together.
        "login": os.environ.get("THROTTLE_LOGIN", os.environ.get("THROTTLE_TOKEN", "10/min")),
        "writes": os.environ.get("THROTTLE_WRITES", "600/min"),
    },
}
# API tokens (django-rest-knox): one per device, stored as a digest, expiring after
# OASIS_TOKEN_IDLE_DAYS without use. Each use pushes the deadline forward, written at most once per
# OASIS_TOKEN_REFRESH_SECONDS (not a write per request). A password change, deactivation or
# logout revokes them; see README "API tokens".
KNOX_TOKEN_MODEL = "api.DeviceToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations would create its default token table even though the model is swapped for
# ours; an unused table whose foreign key to users breaks truncating them (test flushes, resets).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=env_int("OASIS_TOKEN_IDLE_DAYS", 30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": env_int("OASIS_TOKEN_REFRESH_SECONDS", 3600),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service Oasis API",
    "DESCRIPTION": "Record service observations from store visits and read Service Oasis reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from this origin (no CDN, works with the Content Security Policy).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_not_found"],
    "ENUM_NAME_OVERRIDES": {
        "VisitStatusEnum": "observations.models.VisitStatus",
        "FocusEnum": "coaching.models.Focus",
        "WaveStatusEnum": "planning.models.WaveStatus",
        "AssignmentStatusEnum": "planning.models.AssignmentStatus",
    },
}
# Bodies larger than this are refused before they are parsed (a visit is a few KB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# --- Photos (evidence attached to a visit) ----------------------------------------------------
# Where the files go: "local" (MEDIA_ROOT on this machine's disk) or "s3" (an S3-compatible bucket
# through django-storages, configured with the AWS_* settings below and the usual AWS credentials).
OASIS_PHOTO_STORAGE = os.environ.get("OASIS_PHOTO_STORAGE", "local")
if OASIS_PHOTO_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured(f"OASIS_PHOTO_STORAGE must be local or s3, got {OASIS_PHOTO_STORAGE!r}")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served: photos are streamed by the API to those allowed to see them
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_DEFAULT_ACL = None  # private objects; the bucket's own policy applies
AWS_S3_FILE_OVERWRITE = False
if OASIS_PHOTO_STORAGE == "s3" and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("OASIS_PHOTO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
# The largest photo accepted (the phone sends about 150-400 KB), and how long photos are kept.
OASIS_PHOTO_MAX_BYTES = env_int("OASIS_PHOTO_MAX_BYTES", 2 * 1024 * 1024)
OASIS_PHOTO_RETENTION_DAYS = env_int("OASIS_PHOTO_RETENTION_DAYS", 90)
# Request bodies on these paths may be larger than DATA_UPLOAD_MAX_MEMORY_SIZE (multipart photo
# uploads; Django streams their files to disk instead of holding them in memory).
OASIS_BODY_LIMITS = {"/api/v1/photos/": OASIS_PHOTO_MAX_BYTES + 64 * 1024}

# --- Cache (throttling counters) ------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# With Redis, sessions are read from the cache and written through to the database: no session
# query on each page view, and nothing is lost when the cache is flushed. Without it (one process
# on a laptop, or per-process memory caches that could keep a logged-out session alive in another
# process), they stay in the database only.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Bulk set-up (django-import-export) -----------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True  # a file with a refused row writes nothing
# Files larger or longer than this are refused before they are read (stores.imports).
OASIS_IMPORT_MAX_BYTES = env_int("OASIS_IMPORT_MAX_BYTES", 250 * 1024)
OASIS_IMPORT_MAX_ROWS = env_int("OASIS_IMPORT_MAX_ROWS", 2000)
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Between preview and confirm the file waits in the cache when it is shared (Redis: any process
# may take the confirm), else in a temporary folder (one machine).
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage" if REDIS_URL else "import_export.tmp_storages.TempFolderStorage"
)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker (a laptop, the demo) tasks run inline, in the request that queued them.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # How long Redis waits before it gives an unacknowledged task (of a worker that died) to another.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600),
    # How often a worker looks for messages of workers that died (every interval * throttle seconds).
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    # A publish to a broker that is down fails at once instead of retrying for seconds: the
    # request that published (the outbox kick after a commit) goes on, the sweep does the work.
    "max_retries": 0,
    "socket_connect_timeout": env_float("CELERY_BROKER_CONNECT_TIMEOUT", 2.0),
    "socket_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 5.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECT_TIMEOUT", 2.0)

# The outbox sweep (see OASIS_OUTBOX_INLINE below): the longest follow-up work waits while a worker
# is up (a store-week's rollup refresh after a submission, when no kick covered it).
OASIS_OUTBOX_SWEEP_SECONDS = env_int("OASIS_OUTBOX_SWEEP_SECONDS", 5)

CELERY_BEAT_SCHEDULE = {
    # Reports go out on Monday 07:00 in each store's own time zone: look every quarter hour.
    "weekly-report-emails": {
        "task": "notifications.tasks.queue_weekly_reports",
        "schedule": crontab(minute="*/15"),
    },
    # Action plans: a store-week opens the plans it calls for once it is published to the store's
    # managers (in the store's time zone); overdue plans remind once; e-mails go through the outbox.
    "open-action-plans": {
        "task": "coaching.tasks.open_plans_for_published_weeks",
        "schedule": crontab(minute="*/15"),
    },
    "remind-overdue-action-plans": {
        "task": "coaching.tasks.remind_overdue_plans",
        "schedule": crontab(hour=8, minute=15),
    },
    # Follow-up work whose kick was lost (broker down, worker killed) is done by this sweep.
    "outbox-sweep": {
        "task": "core.tasks.sweep_outbox",
        "schedule": timedelta(seconds=OASIS_OUTBOX_SWEEP_SECONDS),
        "options": {"expires": OASIS_OUTBOX_SWEEP_SECONDS},
    },
    "daily-photo-retention": {
        "task": "photos.tasks.delete_expired_photos",
        "schedule": crontab(hour=4, minute=10),
    },
    # Planning: overdue marking, reminders and re-offers of published waves' assignments.
    "planning-sweep": {
        "task": "planning.tasks.sweep_assignments",
        "schedule": crontab(minute="*/15"),
    },
    # Webhooks: deliveries whose kick was lost or whose retry is due; events that happen by the
    # clock (a store's week published, a wave's store at risk).
    "webhooks-send": {
        "task": "webhooks.tasks.send_webhooks",
        "schedule": timedelta(seconds=env_int("OASIS_WEBHOOK_SWEEP_SECONDS", 10)),
        "options": {"expires": env_int("OASIS_WEBHOOK_SWEEP_SECONDS", 10)},
    },
    "webhooks-find-events": {
        "task": "webhooks.tasks.find_events",
        "schedule": crontab(minute="*/5"),
    },
    "nightly-rollup-rebuild": {
        "task": "reports.tasks.rebuild_all_rollups",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- Service Oasis --------------------------------------------------------------------------
# Count only approved visits in reports (head office may override per request).
OASIS_REPORTS_APPROVED_ONLY = env_bool("OASIS_REPORTS_APPROVED_ONLY", False)
# Hours after a week ends (Monday 00:00 store-local) that store managers see it: 6 = Monday 06:00.
OASIS_PUBLISH_DELAY_HOURS = env_int("OASIS_PUBLISH_DELAY_HOURS", 6)
if not 0 <= OASIS_PUBLISH_DELAY_HOURS <= 7 * 24:
    raise ImproperlyConfigured("OASIS_PUBLISH_DELAY_HOURS must be between 0 and 168 (a week)")
# A counted visit whose SOI is below this notifies the store's supervisors and head office.
OASIS_ALERT_SOI_BELOW = env_float("OASIS_ALERT_SOI_BELOW", 50.0)
# Follow-up work (rollup refreshes, alerts, e-mails) is recorded in the outbox in the transaction of
# the change (core/outbox.py). Without a broker it is done at once, in the request; with
# one, by workers, kicked after commit, and by a beat sweep every OASIS_OUTBOX_SWEEP_SECONDS, which
# is the longest work not covered by a kick (or delayed by a dead broker or a killed worker) waits.
OASIS_OUTBOX_INLINE = env_bool("OASIS_OUTBOX_INLINE", not CELERY_BROKER_URL)
# Kick a worker after a commit (a visit after a quiet spell is in the staff's live week at once);
# off: the sweep alone.
OASIS_OUTBOX_KICK = env_bool("OASIS_OUTBOX_KICK", True)
# At most one kick per web process in this many seconds: under load one kick (one task, one
# set-based refresh) covers the commits since the last, instead of a task per commit; the commits
# in between are done by the next kick of any process or by the sweep.
OASIS_OUTBOX_KICK_SECONDS = env_float("OASIS_OUTBOX_KICK_SECONDS", 5.0)
# Planning: planned visits a shopper takes per week unless head office set their own capacity.
OASIS_PLANNING_WEEKLY_CAPACITY = env_int("OASIS_PLANNING_WEEKLY_CAPACITY", 5)
# Shoppers are reminded this many days before their assignment's window closes.
OASIS_PLANNING_REMIND_DAYS = env_int("OASIS_PLANNING_REMIND_DAYS", 1)

# Webhooks (webhooks/): where they may go, how long a receiver is waited for, how retries back off.
# https only unless DEBUG (or OASIS_WEBHOOK_ALLOW_HTTP); private, loopback and link-local targets
# only with OASIS_WEBHOOK_ALLOW_PRIVATE (a receiver inside your own network).
OASIS_WEBHOOK_ALLOW_HTTP = env_bool("OASIS_WEBHOOK_ALLOW_HTTP", DEBUG)
OASIS_WEBHOOK_ALLOW_PRIVATE = env_bool("OASIS_WEBHOOK_ALLOW_PRIVATE", False)
# The longest a delivery waits for a receiver (connect, answer, read), and the most of the answer read.
OASIS_WEBHOOK_TIMEOUT_SECONDS = env_float("OASIS_WEBHOOK_TIMEOUT_SECONDS", 5.0)
OASIS_WEBHOOK_MAX_RESPONSE_BYTES = env_int("OASIS_WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024)
# A failed delivery is retried after RETRY x 2^(attempts-1) seconds, at most MAX_BACKOFF apart,
# until it is delivered; an endpoint without a success for DISABLE_AFTER_HOURS is disabled.
OASIS_WEBHOOK_RETRY_SECONDS = env_int("OASIS_WEBHOOK_RETRY_SECONDS", 30)
OASIS_WEBHOOK_MAX_BACKOFF_SECONDS = env_int("OASIS_WEBHOOK_MAX_BACKOFF_SECONDS", 3600)
OASIS_WEBHOOK_DISABLE_AFTER_HOURS = env_int("OASIS_WEBHOOK_DISABLE_AFTER_HOURS", 72)
if OASIS_WEBHOOK_DISABLE_AFTER_HOURS < 24:
    raise ImproperlyConfigured("OASIS_WEBHOOK_DISABLE_AFTER_HOURS must be at least 24 (retries go on for a day)")
OASIS_WEBHOOK_SWEEP_SECONDS = env_int("OASIS_WEBHOOK_SWEEP_SECONDS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
