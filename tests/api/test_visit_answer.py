"""The answer to a submission is written out (`api.serializers.visit_answer`): it is the dict
VisitSerializer gives, key for key and in the same order, for readers who see observers and
those who do not, in any time zone, and what the API answers a submission and its replay."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone

from api.serializers import VisitSerializer, visit_answer
from observations.models import Visit
from observations.review import visit_review
from observations.selectors import with_interactions
from stores.models import Role
from stores.services import user_apply_role

from ..factories import UserFactory, interaction_input, submit_visit
from .conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db


def serialized(visit, reader) -> str:
    return json.dumps(VisitSerializer(visit, context={"request": SimpleNamespace(user=reader)}).data)


def written_out(visit, reader) -> str:
    return json.dumps(visit_answer(visit, sees_observers=reader.role in (Role.SUPERVISOR, Role.HEAD_OFFICE)))


@pytest.fixture
def visits(shopper, supervisor, store):
    """A shopper's visits (a repeat visit, flagged; a location; nothing asked; a note on a
    contact), a supervisor's, and an approved one with a review note and reviewed text."""
    now = timezone.now()
    first = submit_visit(observer=shopper, store=store, started_at=now - dt.timedelta(hours=3), notes="quiet")
    repeat = submit_visit(
        observer=shopper,
        store=store,
        started_at=now - dt.timedelta(hours=2),
        latitude=52.52,
        longitude=13.405,
        location_accuracy_m=12.5,
        interactions=[
            interaction_input(),
            interaction_input(
                greeted=False, greeting_seconds=None, greeting_personal=False, smile=1, followed=True, notes="ignored"
            ),
            interaction_input(asked=True, response_seconds=95, response_quality=2, response_typed=True),
        ],
    )
    walk = submit_visit(observer=supervisor, store=store, started_at=now - dt.timedelta(hours=5))
    reviewer = user_apply_role(user=UserFactory(username="head-eva", role=Role.HEAD_OFFICE))
    visit_review(visit=first, reviewer=reviewer, decision="approve", note="fine", reviewed_notes="calm")
    return [first, repeat, walk]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_the_written_out_answer_is_the_serializers(visits, shopper, supervisor, manager, zone):
    readers = [shopper, supervisor, manager]
    stored = list(with_interactions(Visit.objects.filter(pk__in=[v.pk for v in visits])))
    assert any(visit.flags for visit in stored)
    assert any(visit.reviewed_at for visit in stored)
    with timezone.override(zone):
        for visit in stored:
            for reader in readers:
                assert written_out(visit, reader) == serialized(visit, reader)


def test_a_submission_and_its_replay_answer_as_the_serializer_would(shopper, supervisor, store):
    for observer in (shopper, supervisor):
        client = as_user(observer)
        body = visit_body(
            store.code,
            interactions=[
                interaction_body(),
                interaction_body(asked=False, response_seconds=None, response_quality=None, notes="slow"),
            ],
        )
        created = client.post("/api/v1/visits/", body, format="json")
        replayed = client.post("/api/v1/visits/", body, format="json")
        assert (created.status_code, replayed.status_code) == (201, 200)
        [stored] = with_interactions(Visit.objects.filter(pk=body["id"]))
        expected = json.loads(serialized(stored, observer))
        assert created.json() == expected
        assert replayed.json() == expected
        assert ("observer" in created.json()) is (observer == supervisor)
