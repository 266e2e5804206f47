"""With Redis, sessions are read from the cache and written through to the database."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="sessions are cached only with Redis (CI sets REDIS_URL)"),
]


def test_a_logged_in_request_reads_its_session_without_a_query(supervisor):
    client = Client()
    client.force_login(supervisor)
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me/").status_code == 200
    assert not [query for query in queries if "django_session" in query["sql"]]


def test_a_session_survives_a_cache_flush(supervisor):
    from django.core.cache import cache

    client = Client()
    client.force_login(supervisor)
    assert Session.objects.count() == 1  # written through to the database
    cache.clear()
    assert client.get("/api/v1/me/").json()["username"] == supervisor.username
