"""The visit's id makes retries safe: replays create nothing, also when they race each other."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
import requests
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from api.tokens import device_token_issue
from observations.models import Interaction, Visit

from .conftest import as_user, interaction_body, visit_body


@pytest.mark.django_db(transaction=True)
def test_fifty_racing_replays_store_one_visit_and_never_fail(live_server, shopper, store):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them with 'database is locked'")
    token = device_token_issue(user=shopper)[1]
    body = visit_body(interactions=[interaction_body(), interaction_body(smile=2), interaction_body(smile=3)])
    url = live_server.url + reverse("visit-list")

    def post(_):
        return requests.post(url, json=body, headers={"Authorization": f"Token {token}"}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(post, range(50)))

    assert statuses.count(201) == 1
    assert statuses.count(200) == 49
    assert Visit.objects.count() == 1
    assert Interaction.objects.count() == 3


@pytest.mark.django_db
def test_a_replay_answers_with_the_stored_visit(shopper, store):
    client = as_user(shopper)
    body = visit_body()
    created = client.post(reverse("visit-list"), body, format="json")
    replayed = client.post(reverse("visit-list"), body, format="json")
    assert (created.status_code, replayed.status_code) == (201, 200)
    assert replayed.json() == created.json()


@pytest.mark.django_db
def test_sync_replays_report_already_stored(shopper, store):
    client = as_user(shopper)
    body = visit_body()
    first = client.post(reverse("visit-sync"), [body], format="json").json()["results"]
    again = client.post(reverse("visit-sync"), [body, body], format="json").json()["results"]
    assert [r["status"] for r in first] == ["created"]
    assert [r["status"] for r in again] == ["already_stored", "already_stored"]
    assert again[0]["visit"]["scores"] == first[0]["visit"]["scores"]
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_a_replay_more_than_60_days_after_storing_answers_with_the_stored_visit(shopper, store):
    """The 60-day rule is about when a visit is first sent: a phone that sends it again much later
    (its answer was lost, then it was put away) must not see a stored visit refused."""
    client = as_user(shopper)
    start = timezone.now() - dt.timedelta(days=61)
    body = visit_body(started_at=start.isoformat(), ended_at=(start + dt.timedelta(minutes=20)).isoformat())
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(hours=1)):
        created = client.post(reverse("visit-list"), body, format="json")

    replayed = client.post(reverse("visit-list"), body, format="json")
    changed = client.post(reverse("visit-list"), {**body, "notes": "changed"}, format="json")

    assert (created.status_code, replayed.status_code) == (201, 200)
    assert replayed.json()["id"] == created.json()["id"]
    assert changed.status_code == 400  # other content is judged as a new visit: too old
    assert Visit.objects.count() == 1
