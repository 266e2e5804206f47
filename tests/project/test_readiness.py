"""Liveness answers without touching anything; readiness checks the database, cache, broker,
migrations and the outbox's backlog, and answers 503 saying which failed and why (without host
names or error texts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxItem
from reports.tasks import rollup_refresh
from site_pages import health

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok", "migrations": "ok", "outbox": "ok"}


@pytest.fixture(autouse=True)
def migrations_not_yet_seen(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


@pytest.fixture
def broken_database(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "cursor", broken_cursor)


def test_liveness_answers_while_the_database_is_down(client, broken_database):
    response = client.get(reverse("health-live"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readiness_answers_200_when_everything_answers(client):
    response = client.get(reverse("health-ready"))
    assert (response.status_code, response.json()) == (200, {"status": "ok", "checks": ALL_OK})


def test_readiness_answers_503_when_the_database_is_down(client, broken_database):
    response = client.get(reverse("health-ready"))
    assert response.status_code == 503
    assert response.json()["failed"]["database"] == "does not answer"
    assert b"server closed" not in response.content


def test_readiness_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health-ready"))
    assert response.status_code == 503
    assert response.json()["failed"] == {"broker": "does not answer"}
    assert b"127.0.0.1" not in response.content


def test_readiness_answers_503_when_the_cache_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/1"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    response = client.get(reverse("health-ready"))
    assert response.status_code == 503
    assert response.json()["failed"] == {"cache": "does not answer"}


def test_readiness_answers_503_while_a_migration_is_not_applied(client):
    MigrationRecorder.Migration.objects.filter(app="reports").order_by("-id")[:1].get().delete()
    response = client.get(reverse("health-ready"))
    assert response.status_code == 503
    assert response.json()["failed"] == {"migrations": "migrations not applied"}


def test_readiness_answers_503_when_follow_up_work_waits_longer_than_the_limit(client, settings, store):
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False
    settings.OASIS_READY_OUTBOX_MAX_AGE_SECONDS = 300
    outbox.record(rollup_refresh(store.pk, dt.date(2026, 11, 23)))
    OutboxItem.objects.update(available_at=timezone.now() - dt.timedelta(seconds=200))
    assert client.get(reverse("health-ready")).status_code == 200

    OutboxItem.objects.update(available_at=timezone.now() - dt.timedelta(seconds=400))
    response = client.get(reverse("health-ready"))
    assert response.status_code == 503
    reason = response.json()["failed"]["outbox"]
    assert reason.startswith("the oldest due follow-up work has waited 4") and reason.endswith("(limit 300 s)")


def test_readiness_ignores_work_waiting_for_its_retry(client, settings, store):
    """Work that failed and backs off is not late: the workers are keeping up (its failures show in
    the metrics)."""
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False
    outbox.record(rollup_refresh(store.pk, dt.date(2026, 11, 23)))
    OutboxItem.objects.update(
        created_at=timezone.now() - dt.timedelta(hours=2),
        available_at=timezone.now() + dt.timedelta(minutes=30),
        attempts=6,
    )
    assert client.get(reverse("health-ready")).status_code == 200
