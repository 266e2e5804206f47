"""Every event reaches a real receiver once, signed as Standard Webhooks says, carrying what head
office may read of a store and nothing of an observer, a visit's time, unreviewed text or a week in
progress."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from coaching.models import Reason
from coaching.services import plan_decide, plan_open, plan_submit
from planning.services import wave_plan, wave_publish
from tests.coaching.conftest import smile_visit
from tests.planning.conftest import WAVE_START, make_wave
from webhooks import delivery, detect
from webhooks.models import Delivery, DeliveryStatus, Event, EventType

from ..factories import UserFactory
from .conftest import W47, W47_PUBLISHED

pytestmark = pytest.mark.django_db

FORBIDDEN_KEYS = {"observer", "observer_role", "by", "started_at", "ended_at", "submitted_at", "notes", "note",
                  "actions", "owner", "supervisor_note", "username", "email", "day", "trend", "in_progress"}  # fmt: skip


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def test_a_published_week_arrives_once_signed_with_the_report_apis_figures(
    endpoint, receiver, shopper, store, head_office
):
    smile_visit(shopper, store, W47, [5, 4, 2])
    smile_visit(shopper, store, W47, [3, 3], day=3)

    assert detect.announce_published_weeks(W47_PUBLISHED - dt.timedelta(minutes=1)) == 0
    assert detect.announce_published_weeks(W47_PUBLISHED) == 1
    assert detect.announce_published_weeks(W47_PUBLISHED + dt.timedelta(hours=1)) == 0
    delivery.send_due()

    [received] = receiver.received
    assert received.signature_valid
    assert received.body["type"] == "store_week.published" and received.body["version"] == 1
    data = received.body["data"]
    api = APIClient()
    api.force_authenticate(head_office)
    report = api.get(f"/api/v1/reports/stores/{store.code}/weekly/", {"week": "2026-W47"}).json()
    for key in ("store", "week", "n_visits", "n_interactions", "soi", "band", "ci_low", "ci_high", "greeting",
                "smile", "hovering", "response", "greeting_rate", "smile_rate", "hovering_rate",
                "median_greeting_seconds", "median_response_seconds"):  # fmt: skip
        assert data[key] == report[key], key
    assert not keys_of(received.body) & FORBIDDEN_KEYS


def test_a_week_still_in_progress_is_never_announced(endpoint, receiver, shopper, store):
    smile_visit(shopper, store, W47, [5])

    detect.announce_published_weeks(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))  # Saturday of W47
    delivery.send_due()

    assert receiver.received == [] and not Event.objects.exists()


def test_each_state_of_an_action_plan_arrives_in_order_without_its_text(endpoint, receiver, store, supervisor):
    manager = UserFactory(role="manager", stores=[store])
    plan = plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))
    plan = plan_submit(plan=plan, by=manager, focus="smile", actions="Secret coaching text", owner="Paula Owner",
                       due_date=dt.date.today() + dt.timedelta(days=14))  # fmt: skip
    plan_decide(plan=plan, by=supervisor, accept=False, note="Unreviewed remark")

    delivery.send_due()

    assert [r.body["data"]["state"] for r in receiver.received] == ["open", "submitted", "returned"]
    assert all(r.signature_valid for r in receiver.received)
    assert len(set(receiver.ids())) == 3
    text = str([r.body for r in receiver.received])
    assert "Secret coaching text" not in text and "Paula Owner" not in text and "Unreviewed remark" not in text
    assert not keys_of([r.body for r in receiver.received]) & FORBIDDEN_KEYS


def test_a_wave_store_at_risk_arrives_once(endpoint, receiver, store, head_office):
    wave = make_wave(head_office, stores=[store])
    wave_plan(wave=wave, by=head_office)
    wave_publish(wave=wave, by=head_office)

    assert detect.announce_coverage_risks(today=WAVE_START + dt.timedelta(days=1)) == 1
    assert detect.announce_coverage_risks(today=WAVE_START + dt.timedelta(days=2)) == 0
    delivery.send_due()

    [received] = receiver.received
    assert received.signature_valid and received.body["type"] == "wave.coverage_at_risk"
    assert received.body["data"]["store"] == store.code and received.body["data"]["risks"]
    assert not keys_of(received.body) & FORBIDDEN_KEYS


def test_an_endpoint_gets_only_the_events_it_subscribed(endpoint, receiver, store):
    endpoint.event_types = [EventType.STORE_WEEK_PUBLISHED]
    endpoint.save()

    plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))
    delivery.send_due()

    assert receiver.received == [] and not Delivery.objects.exists()


def test_the_delivery_log_keeps_status_attempts_latency_and_code(endpoint, receiver, store):
    plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))
    delivery.send_due()

    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.DELIVERED, 1, 204)
    assert row.last_latency_ms is not None and row.delivered_at is not None


def test_without_a_broker_the_event_goes_out_right_after_the_commit(
    endpoint, receiver, store, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # a laptop: no broker, no worker, no beat

    with django_capture_on_commit_callbacks(execute=True):
        plan_open(store=store, week_start=W47, reason=Reason.DESERT, focus=("smile",))

    assert [r.body["data"]["state"] for r in receiver.received] == ["open"]
