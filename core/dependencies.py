"""Can this process reach what it depends on? Each check answers None when all is well, else a short
reason an operator can act on (no password, no traceback). Used by the readiness probe and by the
production stack's start (`python -m project.preflight`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from kombu import Connection

TIMEOUT_SECONDS = 2


def where(url: str) -> str:
    """host:port/path of a URL, without user or password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def database_problem() -> str | None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        db = connection.settings_dict
        name = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 'default port'}/{db.get('NAME')}"
        if connection.vendor == "sqlite":
            name = str(db.get("NAME"))
        return f"the database ({connection.vendor} at {name}) does not answer: {first_line(exc)}"
    return None


def cache_problem() -> str | None:
    """The shared cache (Redis): rate limits, sessions and the rubric in force live there."""
    try:
        cache.get("oasis:dependency-check")
    except Exception as exc:
        return f"the cache ({where(settings.REDIS_URL)}) does not answer: {first_line(exc)}"
    return None


def broker_problem() -> str | None:
    """Without a broker configured, tasks run inline and there is nothing to check."""
    if not settings.CELERY_BROKER_URL:
        return None
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    except Exception as exc:
        return f"the broker ({where(settings.CELERY_BROKER_URL)}) does not answer: {first_line(exc)}"
    return None


def migrations_problem() -> str | None:
    """Migrations of this code not yet applied to the database (run `manage.py migrate`)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return None
    names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:3])
    more = f" and {len(plan) - 3} more" if len(plan) > 3 else ""
    return f"{len(plan)} migration(s) not applied ({names}{more}): run manage.py migrate"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


def outbox_problem() -> str | None:
    """Follow-up work waits for a worker longer than OASIS_READY_OUTBOX_MAX_AGE_SECONDS: workers are
    stuck, too few, or cannot reach the broker and the sweep does not run (beat down)."""
    from . import outbox

    limit = settings.OASIS_READY_OUTBOX_MAX_AGE_SECONDS
    oldest = max((row.oldest_due_seconds for row in outbox.backlog()), default=0.0)
    if oldest <= limit:
        return None
    return f"the oldest due follow-up work has waited {oldest:.0f} s for a worker (limit {limit} s)"
