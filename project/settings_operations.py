"""Operations: the metrics endpoint's token, the readiness limit and logging. Imported by
project.settings."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import env_int

# Prometheus metrics at /metrics for whoever sends `Authorization: Bearer <token>`; unset: no
# endpoint (404). OASIS_METRICS_TOKEN_FILE reads it from a file (a container secret).
OASIS_METRICS_TOKEN = os.environ.get("OASIS_METRICS_TOKEN", "")
if os.environ.get("OASIS_METRICS_TOKEN_FILE"):
    OASIS_METRICS_TOKEN = Path(os.environ["OASIS_METRICS_TOKEN_FILE"]).read_text().strip()

# Readiness (/health/ready/) fails when follow-up work has been due this long without a worker
# doing it; with workers up it is done within OASIS_OUTBOX_SWEEP_SECONDS.
OASIS_READY_OUTBOX_MAX_AGE_SECONDS = env_int("OASIS_READY_OUTBOX_MAX_AGE_SECONDS", 300)

# Logs: one JSON object a line on stderr (LOG_FORMAT=text for a console), with the request id and
# the user id (core.logs); never a name, e-mail address, note, password or token.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logs.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "reserved_attrs": "ext://core.logs.DROPPED_ATTRS",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own request lines ("Not Found: /path") repeat what oasis.requests logs, with the path.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # The PDF renderer narrates every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
