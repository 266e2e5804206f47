"""Head office manages endpoints in the admin: the signing secret is shown once, deliveries are
listed with their outcome and can be sent again."""

from __future__ import annotations

import pytest

from coaching.models import Reason
from coaching.services import plan_open
from webhooks import delivery
from webhooks.models import Delivery, Endpoint, EventType

from .conftest import W47

pytestmark = pytest.mark.django_db


def test_a_new_endpoints_secret_is_shown_once(client, head_office, loopback_targets, receiver):
    client.force_login(head_office)

    response = client.post(
        "/admin/webhooks/endpoint/add/",
        {"name": "BI", "url": receiver.url, "event_types": [EventType.STORE_WEEK_PUBLISHED], "enabled": "on"},
        follow=True,
    )

    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    change_page = client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in change_page
    assert endpoint.secret not in client.get("/admin/webhooks/endpoint/").content.decode()


def test_renewing_the_secret_shows_the_new_one_once_and_signs_with_it(client, head_office, endpoint, receiver, store):
    old = endpoint.secret
    client.force_login(head_office)
    response = client.post(
        "/admin/webhooks/endpoint/", {"action": "renew_secret", "_selected_action": [endpoint.pk]}, follow=True
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    receiver.secret = endpoint.secret

    plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))
    delivery.send_due()

    assert [r.signature_valid for r in receiver.received] == [True]


def test_a_delivery_is_sent_again_with_the_same_webhook_id(client, head_office, endpoint, receiver, store):
    plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))
    delivery.send_due()
    client.force_login(head_office)
    log = client.get("/admin/webhooks/delivery/").content.decode()
    assert "204" in log and store.code in log

    client.post("/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [Delivery.objects.get().pk]})
    delivery.send_due()

    assert len(receiver.received) == 2 and receiver.ids()[0] == receiver.ids()[1]
    assert all(r.signature_valid for r in receiver.received)


def test_store_managers_and_supervisors_do_not_reach_the_webhooks(client, manager, supervisor, endpoint):
    for user in (manager, supervisor):
        client.force_login(user)
        assert client.get("/admin/webhooks/endpoint/").status_code == 302  # to the admin's login
