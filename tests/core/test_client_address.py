"""Rate limits count against the real client: X-Forwarded-For is believed only from configured
proxies (default: none), by the API's throttles, django-axes and the attempt limiter alike."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from core.client_address import client_address

pytestmark = pytest.mark.django_db


def request_from(peer: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.OASIS_TRUSTED_PROXIES = []
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.OASIS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client forged the first entry; the proxy appended the address it really saw.
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.OASIS_TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3")) == "198.51.100.7"


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(settings):
    settings.OASIS_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_garbage_in_the_header_falls_back_to_the_proxys_peer(settings):
    settings.OASIS_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_axes_reads_the_same_address(settings):
    settings.OASIS_TRUSTED_PROXIES = []
    assert get_client_ip_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.fixture
def tight_login_rate(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "login": "5/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def test_forty_forged_forwarded_addresses_are_still_throttled(tight_login_rate, shopper):
    client = APIClient()
    statuses = [
        client.post(
            reverse("token"),
            {"username": "shopper-anna", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(40)
    ]
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}


def test_behind_a_trusted_proxy_each_real_client_has_its_own_limit(tight_login_rate, settings, shopper):
    settings.OASIS_TRUSTED_PROXIES = ["127.0.0.1"]
    client = APIClient()
    for n in range(10):
        response = client.post(
            reverse("token"), {"username": "shopper-anna", "password": "wrong"}, format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )  # fmt: skip
        assert response.status_code == 400
