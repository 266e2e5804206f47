"""After each kind of change, no report output is stale: the JSON, the CSV and the page read
right after the change show it (reports are computed from the rollups on each request; no
output is cached). One test per kind of change: new visit, review, note edit, store or region
rename, scope change. A new rubric: tests/reports/test_history_bands.py.

Each test runs twice: with the follow-up work done inline, and with a real Celery worker (and its
beat sweeping the outbox) in its own process, where a cache local to the web process would keep
serving what the worker's refresh made stale."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from core.models import OutboxItem
from observations.review import visit_review

from ..processes import celery_worker, wait_for
from .conftest import COLD, PERFECT, visit

pytestmark = pytest.mark.django_db

WEEK = {"week": "2026-W11"}
BRANCHES = "/api/v1/reports/branches/"


def store_json(api) -> dict:
    return api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()


def store_csv(api) -> str:
    return api.get(
        reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {**WEEK, "format": "csv"}
    ).content.decode()


def store_page(client) -> str:
    return client.get(reverse("reports:store", kwargs={"code": "ber-mitte"}), WEEK).content.decode()


def branches(api, **extra) -> dict:
    return api.get(BRANCHES, {**WEEK, **extra}).json()


SWEEP_SECONDS = 1
# A worker's start (Django, Celery, its beat) on a busy machine, then one sweep interval.
WITHIN_ONE_SWEEP = 45 + SWEEP_SECONDS


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """One worker with its beat for the module's worker runs, sharing the test database."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.skip("a worker needs a broker (CELERY_BROKER_URL) and a database it can share: PostgreSQL")
    env = {"OASIS_OUTBOX_INLINE": "0", "OASIS_OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS)}
    beat = tmp_path_factory.mktemp("beat") / "schedule"
    process = celery_worker(f"test-{uuid.uuid4().hex[:12]}", beat_schedule=beat, env=env).start()
    yield process
    process.stop()


@pytest.fixture(
    params=["inline", pytest.param("worker", marks=[pytest.mark.broker, pytest.mark.django_db(transaction=True)])]
)
def settle(request, settings):
    """Call after a change: returns once its follow-up work is done (at once when done inline;
    when the worker has done it otherwise)."""
    if request.param == "inline":
        return lambda: None
    request.getfixturevalue("worker")
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False  # the worker's beat sweeps the outbox: the test's queue only
    return lambda: wait_for(
        lambda: not OutboxItem.objects.exists(), timeout=WITHIN_ONE_SWEEP, what="the worker to do the follow-up work"
    )


@pytest.fixture
def seen(api, client, head_office, store, shopper, settle):
    """One perfect visit in W11, every output read once (as a cache would have stored them)."""
    first = visit(shopper, store, "2026-03-10 10:00", PERFECT)
    settle()
    api.force_authenticate(head_office)
    client.force_login(head_office)
    assert store_json(api)["n_visits"] == 1
    assert branches(api)["company"]["n_visits"] == 1
    store_csv(api), store_page(client)
    return first


def test_a_new_visit_shows_at_once_in_every_output(api, client, store, shopper, seen, settle):
    visit(shopper, store, "2026-03-11 10:00", COLD)
    settle()
    assert store_json(api)["n_visits"] == 2
    assert branches(api)["company"]["n_visits"] == 2
    assert store_csv(api).splitlines()[-1].split(",")[3] == "57.1"  # (100 + 100/7) / 2
    assert "57.1" in store_page(client)


def test_a_review_shows_at_once_in_every_output(api, client, supervisor, seen, settle):
    visit_review(visit=seen, reviewer=supervisor, decision="reject", note="not plausible")
    settle()
    assert store_json(api)["n_visits"] == 0
    assert branches(api)["company"]["n_visits"] == 0
    assert store_csv(api).splitlines()[-1].split(",")[3] == ""
    assert "No visits were counted this week." in store_page(client)


def test_a_note_edited_by_head_office_shows_at_once(api, client, manager, supervisor, seen, settle):
    visit_review(visit=seen, reviewer=supervisor, decision="approve", reviewed_notes="Friendly staff.")
    settle()
    api.force_authenticate(manager)
    assert [note["text"] for note in store_json(api)["notes"]] == ["Friendly staff."]
    seen.refresh_from_db()
    seen.reviewed_notes = "Friendly staff at the door."  # as the admin saves it
    seen.save()
    settle()
    assert [note["text"] for note in store_json(api)["notes"]] == ["Friendly staff at the door."]
    client.force_login(manager)
    assert "Friendly staff at the door." in store_page(client)


def test_a_store_or_region_rename_shows_at_once(api, client, store, seen, settle):
    store.name = "Berlin Mitte (renamed)"
    store.save()
    store.region.name = "North (renamed)"
    store.region.save()
    settle()
    assert store_json(api)["name"] == "Berlin Mitte (renamed)"
    assert store_json(api)["comparison"]["region"]["name"] == "North (renamed)"
    assert [row["name"] for row in branches(api)["stores"] if row["store"] == "ber-mitte"] == ["Berlin Mitte (renamed)"]
    assert [row["name"] for row in branches(api)["regions"]] == ["North (renamed)"]
    assert "Berlin Mitte (renamed)" in store_page(client)


def test_a_scope_change_shows_at_once(api, client, supervisor, store, seen, settle):
    api.force_authenticate(supervisor)
    assert [row["store"] for row in branches(api)["stores"]] == ["ber-mitte"]
    assert api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).status_code == 200
    supervisor.regions.remove(store.region)
    settle()
    assert branches(api)["stores"] == []
    assert api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("reports:store", kwargs={"code": "ber-mitte"}), WEEK).status_code == 404
