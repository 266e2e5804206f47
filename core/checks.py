"""System checks of the deployment: configurations that would run but silently go wrong."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

# Caches that each process keeps for itself.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register("caches")
def broker_needs_a_shared_cache(app_configs=None, **kwargs) -> list[Error]:
    """With a broker there are several processes (gunicorn, workers) and they must share the cache:
    the API's rate limits count there, and the rubric in force, the rendered reports and sessions
    are cached there and dropped there when they change. A per-process cache would let each process
    count and keep its own, so limits multiply and a new rubric or a changed report reaches some
    processes minutes late. Refused at start rather than left to rot."""
    if not settings.CELERY_BROKER_URL:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            "CELERY_BROKER_URL is set but the cache is kept per process (REDIS_URL is not set).",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/1), also when the broker is RabbitMQ: web and "
            "worker processes share rate limits, the rubric in force and cached reports through it.",
            obj="settings.CACHES",
            id="oasis.E001",
        )
    ]
