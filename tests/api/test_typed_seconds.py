"""Seconds typed by hand rather than measured are stored as such and shown to reviewers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Interaction

from .conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db


def test_typed_seconds_are_stored_and_reviewers_see_which(shopper, supervisor, store):
    body = visit_body(
        interactions=[
            interaction_body(greeted=True, greeting_seconds=20, greeting_typed=True),
            interaction_body(),
        ]
    )
    created = as_user(shopper).post(reverse("visit-list"), body, format="json")
    assert created.status_code == 201

    seen = as_user(supervisor).get(reverse("visit-detail", args=[body["id"]])).json()
    assert [(i["greeting_typed"], i["response_typed"]) for i in seen["interactions"]] == [(True, False), (False, False)]
    assert Interaction.objects.filter(greeting_typed=True).count() == 1


def test_a_typed_marker_without_its_seconds_is_refused_with_its_reason(shopper, store):
    body = visit_body(
        interactions=[
            interaction_body(greeted=False, greeting_seconds=None, greeting_personal=False, greeting_typed=True)
        ]
    )
    response = as_user(shopper).post(reverse("visit-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"interactions[0].greeting_typed": "must be false when greeted is false."}


def test_a_replay_that_adds_false_markers_is_the_same_visit(shopper, store):
    body = visit_body()
    client = as_user(shopper)
    assert client.post(reverse("visit-list"), body, format="json").status_code == 201
    for item in body["interactions"]:
        item.update(greeting_typed=False, response_typed=False)
    assert client.post(reverse("visit-list"), body, format="json").status_code == 200
