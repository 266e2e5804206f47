from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_and_security_headers(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def unreachable_sessions(monkeypatch):
    """Every session lookup fails as if PostgreSQL had gone away."""

    def read_from_database(self):
        raise OperationalError("could not connect to server: Connection refused")

    # Both the database and the cached_db engine read through this on a cache miss.
    monkeypatch.setattr(SessionStore, "_get_session_from_db", read_from_database)


def test_a_database_outage_answers_503_json_on_the_api(unreachable_sessions):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    response = client.get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["code"] == "service_unavailable"
    assert b"Traceback" not in response.content
    assert b"Connection refused" not in response.content


def test_a_database_outage_answers_503_html_on_pages(unreachable_sessions):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert b"briefly unavailable" in response.content
    assert b"Connection refused" not in response.content


def test_supervisor_sessions_expire_after_30_idle_minutes(client, supervisor):
    client.force_login(supervisor)
    client.get(reverse("login"))
    assert client.session.get_expiry_age() == 30 * 60


def test_manager_sessions_last_12_hours(client, manager):
    client.force_login(manager)
    client.get(reverse("login"))
    assert client.session.get_expiry_age() == 12 * 3600


def test_sessions_end_12_hours_after_login_even_when_active(client, manager):
    client.force_login(manager)
    session = client.session
    session["oasis_login_at"] = int(time.time()) - 12 * 3600 - 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_json_answers_carry_the_short_policy_for_apis(client, shopper):
    client.force_login(shopper)
    response = client.get("/api/v1/me/")
    assert response["Content-Type"] == "application/json"
    directives = set(response["Content-Security-Policy"].split("; "))
    assert directives == {"default-src 'none'", "frame-ancestors 'none'"}
