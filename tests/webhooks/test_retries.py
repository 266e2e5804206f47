"""A receiver that is down, slow, failing for days or answering too much: events wait, back off,
arrive in order per store, and an endpoint that keeps failing is disabled with an e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coaching.models import Reason
from coaching.services import plan_open
from tests.processes import wait_for
from webhooks import delivery
from webhooks.models import Delivery, DeliveryStatus, Endpoint

from ..factories import StoreFactory
from .conftest import W47

pytestmark = pytest.mark.django_db


def open_plans(stores, weeks: int = 3) -> None:
    for week in range(weeks):
        for store in stores:
            plan_open(store=store, week_start=W47 + dt.timedelta(weeks=week), reason=Reason.DESERT, focus=("smile",))


def make_due() -> None:
    """The backoff has passed (instead of waiting for it)."""
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_with_the_receiver_down_every_event_arrives_after_it_returns_in_order_per_store(
    endpoint, receiver, store, other_store
):
    receiver.stop()
    open_plans([store, other_store])
    delivery.send_due()
    make_due()
    delivery.send_due()

    # Only the oldest delivery of each store was tried; the others wait behind it.
    tried = Delivery.objects.filter(attempts__gt=0)
    assert sorted(tried.values_list("stream", "attempts")) == sorted([(store.code, 2), (other_store.code, 2)])
    assert tried.get(stream=store.code).next_attempt_at > timezone.now()

    receiver.start()
    make_due()
    delivery.send_due()

    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 6
    for code in (store.code, other_store.code):
        weeks = [r.body["data"]["week"] for r in receiver.received if r.body["data"]["store"] == code]
        assert weeks == ["2026-W47", "2026-W48", "2026-W49"]
    assert all(r.signature_valid for r in receiver.received)
    assert len(set(receiver.ids())) == 6


def test_a_failure_backs_off_exponentially(endpoint, receiver, store, settings):
    settings.OASIS_WEBHOOK_RETRY_SECONDS = 30
    receiver.status = 503
    open_plans([store], weeks=1)
    waits = []
    for _ in range(4):
        make_due()
        before = timezone.now()
        delivery.send_due()
        waits.append(round((Delivery.objects.get().next_attempt_at - before).total_seconds()))

    assert waits == [30, 60, 120, 240]
    assert Delivery.objects.get().last_status_code == 503


def test_the_backoff_never_exceeds_its_ceiling():
    assert delivery.backoff(40) == dt.timedelta(seconds=3600)


def test_an_endpoint_failing_beyond_the_limit_is_disabled_and_head_office_told(
    endpoint, receiver, store, head_office, settings, django_capture_on_commit_callbacks
):
    head_office.email = "dora@head.example"
    head_office.save()
    receiver.status = 500
    open_plans([store], weeks=1)
    delivery.send_due()
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since is not None
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - dt.timedelta(hours=settings.OASIS_WEBHOOK_DISABLE_AFTER_HOURS, minutes=1)
    )
    make_due()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes out after the commit
        delivery.send_due()

    endpoint.refresh_from_db()
    assert not endpoint.enabled and "HTTP 500" in endpoint.disabled_reason
    [message] = mail.outbox
    assert message.to == ["dora@head.example"]
    assert message.subject == "Webhook deaktiviert: BI"  # in the recipient's language (German)
    make_due()
    assert delivery.send_due() == 0  # nothing goes to a disabled endpoint


def test_enabling_again_sends_what_waited_in_order(endpoint, receiver, store):
    receiver.status = 500
    open_plans([store], weeks=2)
    delivery.send_due()
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    receiver.status = 204

    delivery.endpoint_enable(endpoint=Endpoint.objects.get(pk=endpoint.pk))
    delivery.send_due()

    assert [r.body["data"]["week"] for r in receiver.received if r.signature_valid] == ["2026-W47", "2026-W48"]


def test_a_receiver_answering_too_much_is_read_only_up_to_the_limit(endpoint, receiver, store, settings):
    settings.OASIS_WEBHOOK_MAX_RESPONSE_BYTES = 1024
    receiver.status = 200
    receiver.answer_bytes = 50 * 1024 * 1024
    open_plans([store], weeks=1)

    delivery.send_due()

    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED
    wait_for(lambda: receiver.broken_pipes == 1, timeout=20, what="the receiver to see the connection closed")


def test_a_slow_receiver_is_given_up_after_the_timeout(endpoint, receiver, store, settings):
    settings.OASIS_WEBHOOK_TIMEOUT_SECONDS = 1.0
    receiver.hold.clear()
    open_plans([store], weeks=1)

    delivery.send_due()

    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.PENDING and row.last_error.startswith("timeout")
    assert receiver.holding == 1  # the receiver had not answered when the attempt was given up
    receiver.hold.set()


def test_a_new_store_does_not_wait_behind_another_stores_failure(endpoint, receiver, store):
    receiver.status = 500
    open_plans([store], weeks=1)
    delivery.send_due()
    receiver.status = 204
    other = StoreFactory(code="ham-hbf")
    open_plans([other], weeks=1)

    delivery.send_due()

    assert [r.body["data"]["store"] for r in receiver.received if r.signature_valid][-1] == "ham-hbf"
    assert Delivery.objects.get(stream=store.code).status == DeliveryStatus.PENDING
