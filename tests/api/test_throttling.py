from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from observations.models import Visit

from .conftest import as_user, visit_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES,
                                                               "writes": "2/min", "login": "3/min"})  # fmt: skip


def test_writes_beyond_the_rate_get_429_and_store_nothing(tight_rates, shopper, store):
    client = as_user(shopper)
    statuses = [client.post(reverse("visit-list"), visit_body(), format="json").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert Visit.objects.count() == 2
    assert client.get(reverse("visit-list")).status_code == 200  # reading is not throttled


def test_the_token_endpoint_is_throttled_per_address(tight_rates, shopper):
    client = APIClient()
    statuses = [
        client.post(reverse("token"), {"username": "shopper-anna", "password": "wrong"}, format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_a_correct_password_gets_a_token(shopper):
    response = APIClient().post(
        reverse("token"), {"username": "shopper-anna", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 64  # knox: 64 hex characters, stored only as a digest


def test_a_throttled_write_says_when_to_try_again(tight_rates, shopper, store):
    client = as_user(shopper)
    for _ in range(2):
        client.post(reverse("visit-list"), visit_body(), format="json")
    response = client.post(reverse("visit-list"), visit_body(), format="json")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_observer_has_a_write_rate_of_their_own(tight_rates, shopper, supervisor, store):
    for user in (shopper, supervisor):
        client = as_user(user)
        statuses = [client.post(reverse("visit-list"), visit_body(), format="json").status_code for _ in range(3)]
        assert statuses == [201, 201, 429]
