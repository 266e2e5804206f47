"""A shared phone: each queued visit names who recorded it, and only that user can send it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Visit

from ..factories import UserFactory
from .conftest import as_user, visit_body

pytestmark = pytest.mark.django_db


def test_a_visit_recorded_by_another_user_is_refused_per_item_and_the_others_are_stored(shopper, store):
    colleague = UserFactory(username="shopper-two", stores=[store])
    mine = visit_body(owner=colleague.username)
    theirs = visit_body(owner=shopper.username)

    response = as_user(colleague).post(reverse("visit-sync"), [theirs, mine], format="json")

    assert response.status_code == 200
    assert [(r["id"], r["status"]) for r in response.json()["results"]] == [
        (theirs["id"], "wrong_owner"),
        (mine["id"], "created"),
    ]
    assert response.json()["results"][0]["errors"] == {"owner": "was recorded by another user; only they can send it."}
    assert list(Visit.objects.values_list("observer", flat=True)) == [colleague.pk]
    assert not Visit.objects.filter(pk=theirs["id"]).exists()


def test_a_single_visit_of_another_user_is_refused_with_403(shopper, store):
    colleague = UserFactory(username="shopper-two", stores=[store])
    response = as_user(colleague).post(reverse("visit-list"), visit_body(owner=shopper.username), format="json")
    assert response.status_code == 403
    assert Visit.objects.count() == 0


def test_a_visit_without_an_owner_is_still_accepted_from_older_phones(shopper, store):
    response = as_user(shopper).post(reverse("visit-sync"), [visit_body()], format="json")
    assert response.json()["results"][0]["status"] == "created"
