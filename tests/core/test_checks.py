"""A broker without a shared cache is refused at start (manage.py check, migrate, runserver)."""

from __future__ import annotations

from django.core import checks
from django.test import override_settings

from core.checks import broker_needs_a_shared_cache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}}


@override_settings(CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//", CACHES=LOCMEM)
def test_a_broker_with_a_per_process_cache_is_refused_with_a_clear_message():
    [error] = broker_needs_a_shared_cache()
    assert error.id == "oasis.E001"
    assert error.level == checks.ERROR
    assert "REDIS_URL" in error.msg and "REDIS_URL" in error.hint


@override_settings(CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//", CACHES=LOCMEM)
def test_the_check_runs_with_djangos_system_checks():
    assert "oasis.E001" in [message.id for message in checks.run_checks(tags=["caches"])]


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CACHES=REDIS)
def test_a_broker_with_redis_as_the_cache_passes():
    assert broker_needs_a_shared_cache() == []


@override_settings(CELERY_BROKER_URL="", CACHES=LOCMEM)
def test_a_laptop_without_broker_may_keep_its_cache_in_memory():
    assert broker_needs_a_shared_cache() == []
