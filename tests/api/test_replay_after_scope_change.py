"""Idempotency before scope: a stored visit replayed stays a 200, whatever happened to the
observer's stores since; new visits still need a store the observer may record for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Visit
from stores.models import Role

from ..factories import StoreFactory, UserFactory
from .conftest import as_user, visit_body

pytestmark = pytest.mark.django_db


def post(user, body):
    return as_user(user).post(reverse("visit-list"), body, format="json")


def test_a_replay_answers_with_the_stored_visit_after_the_shopper_lost_the_store(shopper, store, other_store):
    body = visit_body()
    created = post(shopper, body)
    shopper.stores.set([other_store])
    replayed = post(shopper, body)
    assert (created.status_code, replayed.status_code) == (201, 200)
    assert replayed.json() == created.json()
    assert Visit.objects.count() == 1


def test_a_replay_answers_with_the_stored_visit_after_the_store_was_closed(shopper, store):
    body = visit_body()
    created = post(shopper, body)
    store.is_active = False
    store.save()
    replayed = post(shopper, body)
    assert replayed.status_code == 200
    assert replayed.json() == created.json()


def test_a_supervisor_who_lost_the_region_gets_the_stored_visit_on_replay(supervisor, store, other_region):
    body = visit_body()
    created = post(supervisor, body)
    supervisor.regions.set([other_region])
    replayed = post(supervisor, body)
    assert replayed.status_code == 200
    assert replayed.json()["id"] == created.json()["id"]


def test_the_sync_queue_reports_a_replay_after_losing_the_store_as_already_stored(shopper, store, other_store):
    body = visit_body()
    post(shopper, body)
    shopper.stores.set([other_store])
    new = visit_body()
    results = as_user(shopper).post(reverse("visit-sync"), [body, new], format="json").json()["results"]
    assert [item["status"] for item in results] == ["already_stored", "invalid"]
    assert results[1]["errors"] == {"store": "is not a store you may record visits for."}


def test_a_new_visit_for_a_lost_store_is_still_refused(shopper, store, other_store):
    shopper.stores.set([other_store])
    response = post(shopper, visit_body())
    assert response.status_code == 400
    assert response.json() == {"store": "is not a store you may record visits for."}


def test_a_changed_replay_after_losing_the_store_is_a_conflict(shopper, store, other_store):
    body = visit_body()
    post(shopper, body)
    shopper.stores.set([other_store])
    response = post(shopper, {**body, "notes": "changed afterwards"})
    assert response.status_code == 409


def test_another_observers_id_is_a_conflict_that_reveals_nothing(shopper, store, other_store):
    body = visit_body()
    post(shopper, body)
    stranger = UserFactory(username="shopper-elsewhere", role=Role.SHOPPER, stores=[StoreFactory(code="elsewhere")])
    response = post(stranger, body)
    assert response.status_code == 409
    assert response.json() == {"detail": "A visit with this id already exists with other content."}
