"""A real Celery worker sends the webhooks: a receiver that does not answer holds it no longer than
the timeout, and the other endpoints' events go out meanwhile."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection

from coaching.models import Reason
from coaching.services import plan_open
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EventType
from webhooks.tasks import send_webhooks

from ..processes import celery_worker, wait_for
from .conftest import W47
from .receiver import Receiver

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

TIMEOUT_SECONDS = 2


@pytest.fixture(autouse=True)
def needs_broker_and_postgres():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker: set CELERY_BROKER_URL (CI uses redis://127.0.0.1:6379/0)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")


@pytest.fixture
def receivers():
    made: list[Receiver] = []
    yield lambda: made.append(Receiver()) or made[-1]
    for receiver in made:
        receiver.stop()


def test_a_receiver_that_does_not_answer_holds_the_worker_no_longer_than_the_timeout(
    receivers, store, loopback_targets
):
    slow, fast = receivers(), receivers()
    for name, receiver in (("a-slow", slow), ("b-fast", fast)):
        endpoint = Endpoint.objects.create(
            name=name, url=receiver.url, event_types=[EventType.ACTION_PLAN_STATE_CHANGED]
        )
        receiver.secret = endpoint.secret
    slow.hold.clear()  # it takes the request and never answers (until the test ends)
    # Its delivery comes first (endpoints in order of name): the fast one waits behind it in the worker.
    plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = celery_worker(
        queue, env={"OASIS_WEBHOOK_ALLOW_PRIVATE": "1", "OASIS_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS)}
    ).start()
    try:
        send_webhooks.apply_async(queue=queue)

        wait_for(
            lambda: Delivery.objects.filter(endpoint__name="b-fast", status=DeliveryStatus.DELIVERED).exists(),
            timeout=90,
            what="the fast receiver's delivery",
        )
        given_up = Delivery.objects.get(endpoint__name="a-slow")
        assert given_up.status == DeliveryStatus.PENDING and given_up.last_error.startswith("timeout")
        assert given_up.last_latency_ms < (TIMEOUT_SECONDS + 1) * 1000
        assert slow.holding == 1  # still waiting to answer: the worker did not wait for it
        assert [r.signature_valid for r in fast.received] == [True]
    finally:
        worker.stop()
