"""Webhook URLs cannot reach into the company's network: https only in production, no private,
loopback or link-local address unless a setting allows it, checked on saving and on sending."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coaching.models import Reason
from coaching.services import plan_open
from webhooks import delivery
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EventType
from webhooks.urls_policy import validate_target_url

from .conftest import W47

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.OASIS_WEBHOOK_ALLOW_HTTP = False
    settings.OASIS_WEBHOOK_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_private_and_local_targets_are_refused(production, url):
    with pytest.raises(ValidationError):
        validate_target_url(url)


@pytest.mark.parametrize("url", ["http://93.184.215.14/hook", "ftp://93.184.215.14/", "https://user:pw@93.184.215.14/"])
def test_only_plain_https_urls_are_taken_in_production(production, url):
    with pytest.raises(ValidationError):
        validate_target_url(url)


def test_a_public_https_address_is_taken(production):
    validate_target_url("https://93.184.215.14/hook")


def test_a_setting_allows_a_receiver_inside_the_network(settings):
    settings.OASIS_WEBHOOK_ALLOW_HTTP = False
    settings.OASIS_WEBHOOK_ALLOW_PRIVATE = True
    validate_target_url("https://10.1.2.3/hook")


def test_the_admin_form_names_the_refused_url(production, head_office, client):
    client.force_login(head_office)
    response = client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "name": "Internal",
            "url": "https://169.254.169.254/",
            "event_types": [EventType.STORE_WEEK_PUBLISHED],
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    assert "private or local address" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_target_refused_since_saving_is_not_contacted(endpoint, receiver, store, settings):
    """Saved while private targets were allowed; the setting is off now: the delivery is refused
    at sending, before any connection."""
    settings.OASIS_WEBHOOK_ALLOW_PRIVATE = False
    plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))

    delivery.send_due()

    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.PENDING and row.last_error.startswith("refused")
    assert receiver.received == [] and receiver.holding == 0
