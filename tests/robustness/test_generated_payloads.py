"""Whatever a phone sends, the API answers 201/200 or a 400 naming fields, never a 5xx, and what it
stores obeys every rule."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from core.text import encodable
from observations import scoring
from observations.models import Visit
from stores.models import Role

from ..factories import RegionFactory, StoreFactory, UserFactory
from ..strategies import hostile_text

anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text(20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text(10), children, max_size=3),
    max_leaves=8,
)
seconds = st.one_of(st.none(), st.integers(-5, 4000), hostile_text(4))


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
        "notes": draw(hostile_text(30)),
    }
    dropped = draw(st.sets(st.sampled_from(sorted(item)), max_size=2))
    return {key: value for key, value in item.items() if key not in dropped}


@st.composite
def visits(draw) -> dict:
    start = timezone.now() - dt.timedelta(minutes=draw(st.integers(-30, 90 * 24 * 60)))
    return {
        "id": draw(st.one_of(st.uuids().map(str), hostile_text(10))),
        "store": draw(st.one_of(st.sampled_from(["ber-mitte", "nowhere", ""]), hostile_text(10))),
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=draw(st.integers(-10, 300)))).isoformat(),
        "notes": draw(hostile_text(40)),
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

    # As a phone's JSON library writes it: a lone surrogate travels as its \ud800 escape.
    raw = json.dumps(body).encode("ascii")
    response = client.generic("POST", reverse("visit-list"), raw, content_type="application/json")

    assert response.status_code in (200, 201, 400, 409), response.content[:500]
    if response.status_code == 400:
        errors = response.json()
        assert errors and all(isinstance(message, str) and message for message in errors.values())
        assert all(encodable(key) and encodable(message) for key, message in errors.items())
    if response.status_code == 201:
        visit = Visit.objects.get(pk=uuid.UUID(body["id"]))
        recomputed = scoring.visit_scores([i.values() for i in visit.interactions.all()])
        assert visit.scores == recomputed
        assert 1 <= visit.n_interactions <= 50
        assert visit.ended_at >= visit.started_at


# What a phone would write in a field of free text (no control characters; any script).
free_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)


@st.composite
def valid_interactions(draw) -> dict:
    greeted, asked = draw(st.booleans()), draw(st.booleans())
    return {
        "greeted": greeted,
        "greeting_seconds": draw(st.integers(0, 3600)) if greeted else None,
        "greeting_personal": draw(st.booleans()) if greeted else False,
        "smile": draw(st.integers(1, 5)),
        "unsolicited_approaches": draw(st.integers(0, 12)),
        "followed": draw(st.booleans()),
        "asked": asked,
        "response_seconds": draw(st.integers(0, 3600)) if asked else None,
        "response_quality": draw(st.integers(1, 5)) if asked else None,
        "special_request": draw(st.booleans()),
        "notes": draw(free_text),
    }


@st.composite
def valid_visits(draw) -> dict:
    """A visit every rule accepts: within the last 60 days, ending after it started, 1-4
    interactions each consistent (seconds only when greeted, an answer only when asked)."""
    minutes = draw(st.integers(1, 300))
    start = timezone.now() - dt.timedelta(minutes=draw(st.integers(minutes + 1, 59 * 24 * 60)))
    body = {
        "id": str(uuid.uuid4()),
        "store": "ber-mitte",
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=minutes)).isoformat(),
        "notes": draw(free_text),
        "interactions": draw(st.lists(valid_interactions(), min_size=1, max_size=4)),
    }
    if draw(st.booleans()):
        body |= {
            "latitude": draw(st.floats(-90, 90, allow_nan=False)),
            "longitude": draw(st.floats(-180, 180, allow_nan=False)),
            "location_accuracy_m": draw(st.one_of(st.none(), st.floats(0, 1000, allow_nan=False))),
        }
    return body


def post_as_shopper(body) -> tuple:
    region = RegionFactory(code="north")
    store = StoreFactory(code="ber-mitte", region=region)
    shopper = UserFactory(username="shopper-gen", role=Role.SHOPPER, stores=[store])
    client = APIClient()
    client.force_authenticate(shopper)
    return client.post(reverse("visit-list"), body, format="json")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=valid_visits())
def test_every_valid_payload_is_stored_with_the_scores_its_interactions_give(body):
    response = post_as_shopper(body)

    assert response.status_code == 201, response.content[:500]
    visit = Visit.objects.get(pk=uuid.UUID(body["id"]))
    stored = list(visit.interactions.order_by("position"))
    assert [(i.greeted, i.greeting_seconds, i.smile, i.asked, i.response_quality) for i in stored] == [
        (i["greeted"], i["greeting_seconds"], i["smile"], i["asked"], i["response_quality"])
        for i in body["interactions"]
    ]
    assert visit.scores == scoring.visit_scores([i.values() for i in stored])
    assert visit.n_interactions == len(body["interactions"]) and visit.notes == body["notes"]
    assert response.json()["scores"]["soi"] == scoring.round1(visit.soi)


def _later(iso: str, **delta) -> str:
    return (dt.datetime.fromisoformat(iso) + dt.timedelta(**delta)).isoformat()


# One field broken at a time: (the field's path, how to break it given the payload).
VISIT_MUTATIONS = {
    "id": lambda body: "not-a-uuid",
    "store": lambda body: "nowhere",
    "started_at": lambda body: "yesterday",
    "ended_at": lambda body: _later(body["started_at"], minutes=-1),
    "notes": lambda body: "x" * 5001,
    "interactions": lambda body: [],
}
INTERACTION_MUTATIONS = {
    "greeted": lambda item: "yes",
    "greeting_seconds": lambda item: 3601 if item["greeted"] else 12,
    "smile": lambda item: 6,
    "unsolicited_approaches": lambda item: -1,
    "response_quality": lambda item: 0 if item["asked"] else 3,
    "response_seconds": lambda item: -5 if item["asked"] else 40,
    "notes": lambda item: "x" * 5001,
}


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=valid_visits(), data=st.data())
def test_a_valid_payload_with_one_field_broken_is_refused_naming_that_field(body, data):
    if data.draw(st.booleans(), label="break a visit field"):
        field = data.draw(st.sampled_from(sorted(VISIT_MUTATIONS)), label="field")
        body[field] = VISIT_MUTATIONS[field](body)
        path = field
    else:
        index = data.draw(st.integers(0, len(body["interactions"]) - 1), label="interaction")
        field = data.draw(st.sampled_from(sorted(INTERACTION_MUTATIONS)), label="field")
        item = body["interactions"][index]
        item[field] = INTERACTION_MUTATIONS[field](item)
        path = f"interactions[{index}].{field}"

    response = post_as_shopper(body)

    assert response.status_code == 400, response.content[:500]
    assert list(response.json()) == [path]
    assert not Visit.objects.exists() or not Visit.objects.filter(pk=body["id"]).exists()
