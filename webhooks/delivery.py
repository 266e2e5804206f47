"""Sending deliveries: claim, commit, send, record; retries with exponential backoff; an endpoint
that keeps failing is disabled and head office told.

Each endpoint's deliveries form one stream per store: only the oldest pending delivery of a stream
is ever sent, so a store's events arrive in the order they happened, also after the receiver was
down. A worker claims that delivery with a conditional UPDATE (`claimed_until`) and commits before
it sends: no transaction or row lock is held while the receiver is waited for (at most
OASIS_WEBHOOK_TIMEOUT_SECONDS). The outcome is recorded on the delivery (attempts, response code,
latency, error). A failure waits OASIS_WEBHOOK_RETRY_SECONDS x 2^(attempts-1), at most
OASIS_WEBHOOK_MAX_BACKOFF_SECONDS; an endpoint with no success for OASIS_WEBHOOK_DISABLE_AFTER_HOURS
(at least 24) is disabled, its pending deliveries kept for when head office enables it again, and
every head office member with an e-mail address is told (once).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from core import outbox
from stores.models import Role, User

from . import transport
from .models import Delivery, DeliveryStatus, DisabledNotice, Endpoint, new_secret

logger = logging.getLogger(__name__)

DISABLED_NOTICE = "webhook_disabled_notice"
# The task that sends what is due (webhooks.tasks), kicked by name: this module is below the tasks.
SEND_TASK = "webhooks.tasks.send_webhooks"


def kick_after_commit() -> None:
    """After the commit that wrote deliveries, have them sent: by a worker (a broker that is down
    fails nothing: the beat sweep sends them), or, without a broker, here and now."""
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        send_due(budget_seconds=settings.OASIS_WEBHOOK_SWEEP_SECONDS * 6)
        return
    try:
        current_app.send_task(SEND_TASK, retry=False)
    except Exception:
        logger.warning("webhooks: broker unreachable, deliveries left for the sweep", exc_info=True)


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.event.payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(endpoint: Endpoint, message_id: str, body: bytes, now: dt.datetime) -> dict[str, str]:
    """The Standard Webhooks headers: webhook-id, webhook-timestamp, webhook-signature (v1, HMAC-SHA256
    of "id.timestamp.body" with the endpoint's secret)."""
    signature = Webhook(endpoint.secret).sign(msg_id=message_id, timestamp=now, data=body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "User-Agent": "ServiceOasis-Webhooks/1",
    }


def backoff(attempts: int) -> dt.timedelta:
    seconds = settings.OASIS_WEBHOOK_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.OASIS_WEBHOOK_MAX_BACKOFF_SECONDS))


def stream_heads(now: dt.datetime) -> list[int]:
    """The oldest pending delivery of every stream of an enabled endpoint, where it is due."""
    heads = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, endpoint__enabled=True)
        .values("endpoint_id", "stream")
        .annotate(head=Min("pk"))
        .values_list("head", flat=True)
        .order_by()
    )
    return list(
        Delivery.objects.filter(pk__in=list(heads), next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_due(*, budget_seconds: float | None = None) -> int:
    """Send what is due, stream by stream (each stream onwards while its receiver answers);
    returns the number of attempts. Stops taking new work after `budget_seconds`."""
    started = time.monotonic()
    attempts = 0
    for head in stream_heads(timezone.now()):
        delivery_id: int | None = head
        while delivery_id is not None:
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                return attempts
            result = attempt(delivery_id)
            if result is None:
                break
            attempts += 1
            delivery_id = result
    return attempts


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    hold = dt.timedelta(seconds=settings.OASIS_WEBHOOK_TIMEOUT_SECONDS + 60)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, endpoint__enabled=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + hold)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    earlier = Delivery.objects.filter(
        endpoint_id=delivery.endpoint_id, stream=delivery.stream, status=DeliveryStatus.PENDING, pk__lt=delivery.pk
    )
    if earlier.exists():  # not the head of its stream (a replay, or a race): the head goes first
        Delivery.objects.filter(pk=delivery_id).update(claimed_until=None)
        return None
    return delivery


def attempt(delivery_id: int) -> int | None:
    """One attempt at one delivery; on success the id of the next pending delivery of its stream
    if that is due, else None."""
    now = timezone.now()
    with transaction.atomic():
        delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    body = body_of(delivery)
    outcome = transport.post(
        delivery.endpoint.url, body, signed_headers(delivery.endpoint, delivery.event.message_id, body, now)
    )
    return record(delivery, outcome)


@transaction.atomic
def record(delivery: Delivery, outcome: transport.Outcome) -> int | None:
    now = timezone.now()
    fields = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_latency_ms": outcome.latency_ms,
        "claimed_until": None,
    }
    endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if outcome.ok:
        Delivery.objects.filter(pk=delivery.pk).update(
            **fields, status=DeliveryStatus.DELIVERED, delivered_at=now, last_error=""
        )
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
        following = (
            Delivery.objects.filter(
                endpoint_id=delivery.endpoint_id,
                stream=delivery.stream,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        return following if endpoint.enabled else None
    error = outcome.error or f"HTTP {outcome.status_code}"
    Delivery.objects.filter(pk=delivery.pk).update(
        **fields, last_error=error[:500], next_attempt_at=now + backoff(delivery.attempts + 1)
    )
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
    elif endpoint.enabled and now - endpoint.failing_since >= dt.timedelta(
        hours=settings.OASIS_WEBHOOK_DISABLE_AFTER_HOURS
    ):
        endpoint_disable(endpoint=endpoint, reason=error, now=now)
    logger.info("webhooks: delivery %s to endpoint %s failed: %s", delivery.pk, endpoint.pk, error)
    return None


def endpoint_disable(*, endpoint: Endpoint, reason: str, now: dt.datetime) -> None:
    """Disable a failing endpoint and tell head office (each member once, through the outbox)."""
    endpoint.enabled = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    recipients = User.objects.filter(role=Role.HEAD_OFFICE, is_active=True).exclude(email="")
    DisabledNotice.objects.bulk_create(
        [DisabledNotice(endpoint=endpoint, disabled_at=now, recipient=person) for person in recipients],
        ignore_conflicts=True,
    )
    ids = DisabledNotice.objects.filter(endpoint=endpoint, disabled_at=now).values_list("pk", flat=True)
    outbox.record(*(outbox.Work(DISABLED_NOTICE, str(pk), {"notice": pk}) for pk in ids))


@transaction.atomic
def endpoint_enable(*, endpoint: Endpoint) -> Endpoint:
    """Enable an endpoint again: its pending deliveries are due at once, in order."""
    endpoint.enabled = True
    endpoint.failing_since = None
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["enabled", "failing_since", "disabled_reason"])
    endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())
    kick_after_commit()
    return endpoint


@transaction.atomic
def delivery_replay(*, delivery: Delivery) -> Delivery:
    """Send an event to an endpoint again (the same webhook-id: a receiver that kept it knows it),
    after what is pending for that store."""
    copy = Delivery.objects.create(event=delivery.event, endpoint=delivery.endpoint, stream=delivery.stream)
    kick_after_commit()
    return copy


def endpoint_new_secret(*, endpoint: Endpoint) -> str:
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret
