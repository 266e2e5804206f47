from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Visit

from ..factories import UserFactory
from .conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db


def test_each_item_of_the_offline_queue_gets_its_own_answer(shopper, store):
    client = as_user(shopper)
    stored = visit_body()
    client.post(reverse("visit-list"), stored, format="json")
    taken = visit_body()
    as_user(UserFactory(username="shopper-other", stores=[store])).post(reverse("visit-list"), taken, format="json")
    fresh = visit_body()
    broken = visit_body(interactions=[interaction_body(smile=9)])

    response = client.post(reverse("visit-sync"), [fresh, stored, taken, broken], format="json")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [
        (fresh["id"], "created"),
        (stored["id"], "already_stored"),
        (taken["id"], "conflict"),
        (broken["id"], "invalid"),
    ]
    assert results[3]["errors"] == {"interactions[0].smile": "Ensure this value is less than or equal to 5."}
    assert "visit" not in results[2]
    assert results[0]["visit"]["scores"]["soi"] is not None
    assert Visit.objects.filter(pk=fresh["id"]).exists()
    assert not Visit.objects.filter(pk=broken["id"]).exists()


def test_more_than_100_visits_at_once_are_refused(shopper, store):
    response = as_user(shopper).post(reverse("visit-sync"), [visit_body() for _ in range(101)], format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": "At most 100 visits per request."}
    assert not Visit.objects.exists()


def test_sync_needs_a_list(shopper, store):
    response = as_user(shopper).post(reverse("visit-sync"), visit_body(), format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": "Expected a JSON list of visits."}


def test_a_queue_item_that_is_not_an_object_is_invalid_alone(shopper, store):
    good = visit_body()
    response = as_user(shopper).post(reverse("visit-sync"), [42, good], format="json")
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "created"]
    assert results[0]["id"] is None
