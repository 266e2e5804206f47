"""The operator's Prometheus endpoint: only with the token; requests, submissions, failed log-ins,
throttled requests, e-mail deliveries, and the outbox figures moving as work is queued and done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from core import outbox
from core.models import OutboxItem
from notifications.models import DeliveryStatus, VisitAlert
from reports.tasks import rollup_refresh

from ..api.conftest import as_user, visit_body
from ..factories import submit_visit

pytestmark = pytest.mark.django_db

TOKEN = "operator-metrics-token"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.OASIS_METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(scraped, name: str, **labels) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Token {TOKEN}"])
def test_metrics_are_hidden_from_anyone_without_the_operator_token(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get(reverse("metrics"), **extra).status_code == 404


def test_metrics_do_not_exist_when_no_token_is_configured(client, settings):
    settings.OASIS_METRICS_TOKEN = ""
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_outbox_depth_and_oldest_due_age_move_as_work_is_queued_and_done(client, settings, store):
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False
    kind = "rollup_refresh"
    before = scrape(client)
    assert value(before, "oasis_outbox_items", kind=kind) == 0
    assert value(before, "oasis_outbox_oldest_due_age_seconds", kind=kind) == 0

    week = dt.date(2026, 11, 23)
    outbox.record(rollup_refresh(store.pk, week), rollup_refresh(store.pk, week + dt.timedelta(days=7)))
    OutboxItem.objects.update(available_at=timezone.now() - dt.timedelta(seconds=90))
    queued = scrape(client)
    assert value(queued, "oasis_outbox_items", kind=kind) == 2
    assert value(queued, "oasis_outbox_due_items", kind=kind) == 2
    assert 90 <= value(queued, "oasis_outbox_oldest_due_age_seconds", kind=kind) < 120

    outbox.run()
    done = scrape(client)
    assert value(done, "oasis_outbox_items", kind=kind) == 0
    assert value(done, "oasis_outbox_oldest_due_age_seconds", kind=kind) == 0


def test_failed_outbox_attempts_are_counted_until_the_work_is_done(client, settings, store, monkeypatch):
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False
    kind = "rollup_refresh"
    outbox.record(rollup_refresh(store.pk, dt.date(2026, 11, 23)))

    def broken(payloads):
        raise RuntimeError("refresh failed")

    monkeypatch.setitem(outbox._kinds, kind, outbox.Kind(kind, broken, transactional=True, batch=True))
    outbox.run()
    failed = scrape(client)
    assert value(failed, "oasis_outbox_failing_items", kind=kind) == 1
    assert value(failed, "oasis_outbox_failed_attempts", kind=kind) == 1
    # Backing off: waiting for its retry, not due, so it does not count as late.
    assert value(failed, "oasis_outbox_due_items", kind=kind) == 0


def test_requests_are_counted_by_view_and_status(client):
    before = scrape(client)
    client.get(reverse("health-live"))
    client.get("/no-such-page/")
    after = scrape(client)
    labels = {"view": "health-live", "method": "GET", "status": "200"}
    assert (
        value(after, "oasis_http_requests_total", **labels) == value(before, "oasis_http_requests_total", **labels) + 1
    )
    assert value(after, "oasis_http_request_duration_seconds_count", **labels) == (
        value(before, "oasis_http_request_duration_seconds_count", **labels) + 1
    )
    unresolved = {"view": "unresolved", "method": "GET", "status": "404"}
    assert (
        value(after, "oasis_http_requests_total", **unresolved)
        == value(before, "oasis_http_requests_total", **unresolved) + 1
    )


def test_submissions_are_counted_by_outcome_and_refused_field(client, shopper, store):
    api = as_user(shopper)
    body = visit_body()
    before = scrape(client)
    assert api.post("/api/v1/visits/", body, format="json").status_code == 201
    assert api.post("/api/v1/visits/", body, format="json").status_code == 200
    assert api.post("/api/v1/visits/", {**body, "notes": "other content"}, format="json").status_code == 409
    refused = visit_body()
    refused["interactions"][0]["smile"] = 9
    assert api.post("/api/v1/visits/", refused, format="json").status_code == 400
    after = scrape(client)

    def moved(**labels) -> float:
        return value(after, "oasis_submissions_total", **labels) - value(before, "oasis_submissions_total", **labels)

    assert moved(outcome="created", field="") == 1
    assert moved(outcome="already_stored", field="") == 1
    assert moved(outcome="conflict", field="") == 1
    assert moved(outcome="invalid", field="interactions.smile") == 1


def test_failed_log_ins_and_throttled_requests_are_counted(client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "login": "2/min"})
    before = scrape(client)
    api = APIClient()
    statuses = [
        api.post("/api/v1/auth/token/", {"username": "nobody", "password": "wrong"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    after = scrape(client)
    assert value(after, "oasis_login_failures_total") == value(before, "oasis_login_failures_total") + 2
    view = "token"
    assert (
        value(after, "oasis_throttled_requests_total", view=view)
        == value(before, "oasis_throttled_requests_total", view=view) + 1
    )


def test_email_deliveries_are_counted_by_kind_and_status(client, shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    VisitAlert.objects.create(visit=visit, recipient=supervisor, status=DeliveryStatus.SENT)
    VisitAlert.objects.create(visit=visit, recipient=shopper, status=DeliveryStatus.FAILED, attempts=3)
    scraped = scrape(client)
    assert value(scraped, "oasis_email_deliveries", kind="visitalert", status="sent") == 1
    assert value(scraped, "oasis_email_deliveries", kind="visitalert", status="failed") == 1
    assert value(scraped, "oasis_email_deliveries", kind="reportdelivery", status="sent") == 0
    assert value(scraped, "oasis_email_failed_attempts", kind="visitalert") == 3
