from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Interaction, Visit

from ..factories import UserFactory
from .conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db


def test_shopper_submits_a_visit_and_gets_it_back_with_scores(shopper, store):
    body = visit_body(
        interactions=[
            interaction_body(),
            interaction_body(asked=False, response_seconds=None, response_quality=None, smile=1),
        ]
    )
    response = as_user(shopper).post(reverse("visit-list"), body, format="json")

    assert response.status_code == 201
    data = response.json()
    # first: 0.3*100 + 0.2*75 + 0.2*100 + 0.3*50 = 80; second, nothing asked: (30 + 0 + 20) / 0.7 = 71.43
    assert data["scores"] == {"soi": 75.7, "greeting": 100.0, "smile": 37.5, "hovering": 100.0, "response": 50.0}
    assert [i["scores"]["soi"] for i in data["interactions"]] == [80.0, 71.4]
    assert data["id"] == body["id"]
    assert data["store"] == "ber-mitte"
    assert data["status"] == "submitted"
    assert data["observer_role"] == "shopper"
    assert "observer" not in data
    assert "flags" not in data
    assert Visit.objects.filter(pk=body["id"]).exists()


def test_replayed_visit_answers_200_and_creates_nothing(shopper, store):
    body = visit_body()
    client = as_user(shopper)
    first = client.post(reverse("visit-list"), body, format="json")
    again = client.post(reverse("visit-list"), body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Visit.objects.count() == 1
    assert Interaction.objects.count() == 1


def test_same_id_with_other_content_is_a_409_revealing_nothing(shopper, store):
    body = visit_body(notes="secret observation")
    client = as_user(shopper)
    client.post(reverse("visit-list"), body, format="json")
    response = client.post(reverse("visit-list"), {**body, "notes": "changed"}, format="json")

    assert response.status_code == 409
    assert "secret" not in response.content.decode()
    assert Visit.objects.get().notes == "secret observation"


def test_an_id_used_by_someone_else_is_a_409_revealing_nothing(shopper, store):
    body = visit_body(notes="secret observation")
    as_user(shopper).post(reverse("visit-list"), body, format="json")
    intruder = UserFactory(username="shopper-eve", stores=[store])
    response = as_user(intruder).post(reverse("visit-list"), body, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert "shopper-anna" not in response.content.decode()


def test_supervisors_see_observer_and_flags(supervisor, store):
    body = visit_body()
    body["ended_at"] = body["started_at"]  # a zero-minute visit is implausible
    response = as_user(supervisor).post(reverse("visit-list"), body, format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["observer"] == "supervisor-ben"
    assert data["observer_role"] == "supervisor"
    assert [flag["code"] for flag in data["flags"]] == ["duration_implausible", "stopwatch_exceeds_visit"]
    assert data["flags"][0]["label"]


def test_managers_cannot_record_visits(manager, store):
    response = as_user(manager).post(reverse("visit-list"), visit_body(), format="json")
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_a_store_outside_the_shoppers_assignment_is_refused(shopper, other_store):
    response = as_user(shopper).post(reverse("visit-list"), visit_body(store="zrh-hb"), format="json")
    assert response.status_code == 400
    assert response.json() == {"store": "is not a store you may record visits for."}


def test_unauthenticated_requests_get_401(api, store):
    assert api.post(reverse("visit-list"), visit_body(), format="json").status_code == 401
    assert api.get(reverse("visit-list")).status_code == 401
    assert api.get(reverse("me")).status_code == 401
