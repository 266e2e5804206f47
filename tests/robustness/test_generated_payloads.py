"""Whatever a phone sends, the API answers 201/200 or a 400 naming fields, never a 5xx, and what it
stores obeys every rule."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from observations import scoring
from observations.models import Visit
from stores.models import Role

from ..factories import RegionFactory, StoreFactory, UserFactory

anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
seconds = st.one_of(st.none(), st.integers(-5, 4000), st.text(max_size=4))


@st.composite
def interactions(draw) -> dict:
    item = {
        "greeted": draw(st.one_of(st.booleans(), anything)),
        "greeting_seconds": draw(seconds),
        "greeting_personal": draw(st.booleans()),
        "smile": draw(st.one_of(st.integers(-1, 7), anything)),
        "unsolicited_approaches": draw(st.integers(-2, 12)),
        "followed": draw(st.booleans()),
        "asked": draw(st.booleans()),
        "response_seconds": draw(seconds),
        "response_quality": draw(st.one_of(st.none(), st.integers(-1, 7))),
        "special_request": draw(st.booleans()),
        "notes": draw(st.text(max_size=30)),
    }
    dropped = draw(st.sets(st.sampled_from(sorted(item)), max_size=2))
    return {key: value for key, value in item.items() if key not in dropped}


@st.composite
def visits(draw) -> dict:
    start = timezone.now() - dt.timedelta(minutes=draw(st.integers(-30, 90 * 24 * 60)))
    return {
        "id": draw(st.one_of(st.uuids().map(str), st.text(max_size=10))),
        "store": draw(st.sampled_from(["ber-mitte", "nowhere", ""])),
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=draw(st.integers(-10, 300)))).isoformat(),
        "notes": draw(st.text(max_size=40)),
        "latitude": draw(st.one_of(st.none(), st.floats(-100, 100, allow_nan=False))),
        "longitude": draw(st.one_of(st.none(), st.floats(-200, 200, allow_nan=False))),
        "interactions": draw(st.lists(interactions(), max_size=4)),
    }


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(visits(), anything))
def test_any_payload_gets_a_clear_answer_and_only_valid_visits_are_stored(body):
    region = RegionFactory(code="north")
    store = StoreFactory(code="ber-mitte", region=region)
    shopper = UserFactory(username="shopper-gen", role=Role.SHOPPER, stores=[store])
    client = APIClient()
    client.force_authenticate(shopper)

    response = client.post(reverse("visit-list"), body, format="json")

    assert response.status_code in (200, 201, 400, 409), response.content[:500]
    if response.status_code == 400:
        errors = response.json()
        assert errors and all(isinstance(message, str) and message for message in errors.values())
    if response.status_code == 201:
        visit = Visit.objects.get(pk=uuid.UUID(body["id"]))
        recomputed = scoring.visit_scores([i.values() for i in visit.interactions.all()])
        assert visit.scores == recomputed
        assert 1 <= visit.n_interactions <= 50
        assert visit.ended_at >= visit.started_at
