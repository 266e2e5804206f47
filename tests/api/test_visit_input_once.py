"""Every visit is validated by one serializer per process (`api.visits.VISIT_INPUT`, DRF's
`run_validation`): it accepts what a serializer made for the visit accepts, with the same data,
refuses what it refuses, and keeps nothing of one visit for the next."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from api.serializers import VisitInputSerializer
from api.visits import VISIT_INPUT

from ..strategies import hostile_text
from .conftest import interaction_body, visit_body

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text(),
    st.sampled_from(
        ["", " ", "  x  ", "ber-mitte", "2026-11-25T14:05:00+01:00", "0f8fad5b-d9cb-469f-a165-70867728950e"]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
INTERACTION_KEYS = [*interaction_body(), "greeting_typed", "response_typed"]
VISIT_KEYS = [*visit_body(), "owner", "assignment", "latitude", "longitude", "location_accuracy_m"]


@st.composite
def visits(draw) -> object:
    """A valid visit with a few of its values replaced, left out or added, or something else."""
    if draw(st.integers(0, 9)) == 0:
        return draw(VALUES)
    body = visit_body(interactions=[interaction_body() for _ in range(draw(st.integers(0, 3)))])
    for _ in range(draw(st.integers(0, 3))):
        target = body
        listed = body.get("interactions")
        items = [item for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []
        if items and draw(st.booleans()):
            target = draw(st.sampled_from(items))
        keys = INTERACTION_KEYS if target is not body else VISIT_KEYS
        key = draw(st.sampled_from(keys))
        if draw(st.integers(0, 4)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(VALUES)
    return body


def outcome(body):
    try:
        return ("valid", VISIT_INPUT.run_validation(body))
    except ValidationError:
        return ("invalid", None)  # the view then reports a new serializer's errors, as before


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(visits(), min_size=1, max_size=3))
def test_one_serializer_validates_as_a_serializer_per_visit_does(bodies):
    for body in bodies:
        fresh = VisitInputSerializer(data=body)
        expected = ("valid", fresh.validated_data) if fresh.is_valid() else ("invalid", None)
        assert outcome(body) == expected
