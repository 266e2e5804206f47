"""Password spraying from one address (many user names, a few guesses each) meets a per-address
limit on the login page and the token endpoint, counted together: a 429 page or JSON with
Retry-After."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def login_rate(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "login": "10/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def test_spraying_19_user_names_from_one_address_is_stopped_after_ten_guesses(client):
    for n in range(19):
        UserFactory(username=f"user-{n}")
    statuses = [
        client.post(reverse("login"), {"username": f"user-{n}", "password": f"guess-{guess}"}).status_code
        for n in range(19)
        for guess in range(2)
    ]
    assert statuses[:10] == [200] * 10  # the form with its error
    assert set(statuses[10:]) == {429}


def test_the_limited_login_page_says_why_and_when_to_come_back(client):
    for _ in range(10):
        client.post(reverse("login"), {"username": "nobody", "password": "x"})
    response = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert b"Too many requests from your address" in response.content


def test_the_limited_login_page_speaks_german(client):
    for _ in range(10):
        client.post(reverse("login"), {"username": "nobody", "password": "x"})
    response = client.post(reverse("login"), {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="de")
    assert b"Zu viele Anfragen von Ihrer Adresse" in response.content


def test_viewing_the_login_page_is_not_counted(client):
    for _ in range(20):
        assert client.get(reverse("login")).status_code == 200


def test_the_token_endpoint_answers_the_same_429_as_json(client):
    for _ in range(10):
        client.post(reverse("login"), {"username": "nobody", "password": "x"})
    response = APIClient().post(reverse("token"), {"username": "nobody", "password": "x"}, format="json")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith("Too many requests from your address. Please try again in ")


def test_successful_log_ins_from_one_address_are_not_limited(client, shopper):
    # An office whose staff share one address: only failures count.
    api = APIClient()
    body = {"username": "shopper-anna", "password": "correct-horse-battery"}
    statuses = [api.post(reverse("token"), body, format="json").status_code for _ in range(12)]
    assert statuses == [200] * 12
    for _ in range(12):
        client.logout()
        assert client.post(reverse("login"), body).status_code == 302
