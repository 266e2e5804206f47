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
from django.core.exceptions import ImproperlyConfigured

from .beat import beat_schedule
from .env import env_bool, env_float, env_int, env_list
from .settings_oasis import *  # noqa: F403  (the product's OASIS_* settings)

BASE_DIR = Path(__file__).resolve().parent.parent


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
    "site_pages",
    "demo",
]

MIDDLEWARE = [
    # First: every answer (also a 413 or a 429 of the middleware below) is counted, timed and logged.
    "core.metrics.RequestMetricsMiddleware",
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "site_pages.middleware.RequestSizeLimitMiddleware",
    "site_pages.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.logs.UserLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "site_pages.middleware.SessionLifetimeMiddleware",
    "site_pages.middleware.DatabaseUnavailableMiddleware",
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
                "site_pages.navigation.navigation",
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
    "stores.auth_backends.AttemptLimitedModelBackend",
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
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # the load balancer and the orchestrator probe over plain HTTP
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

# --- Single sign-on (OpenID Connect, mozilla-django-oidc): project/settings_sso.py -------------
from .settings_sso import *  # noqa: E402, F403

if OASIS_SSO:  # noqa: F405
    AUTHENTICATION_BACKENDS.append("sso.backends.OpenIDConnectBackend")

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
# Workers and beat log through LOGGING below (JSON lines), not through Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Where beat keeps the times it last ran each entry (one beat per deployment).
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("CELERY_BEAT_SCHEDULE_FILE", str(BASE_DIR / "celerybeat-schedule"))

CELERY_BEAT_SCHEDULE = beat_schedule()

# --- Operations (metrics, readiness, logs): project/settings_operations.py -----------------------
from .settings_operations import *  # noqa: E402, F403
