from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from observations.models import Visit
from observations.services import visit_submit

from ..factories import interaction_input, submit_visit, visit_input

pytestmark = pytest.mark.django_db


def codes(visit: Visit) -> list[str]:
    return [flag["code"] for flag in visit.flags]


def test_an_ordinary_visit_raises_no_flag_and_needs_no_review(shopper, store):
    visit = submit_visit(observer=shopper, store=store, latitude=52.5201, longitude=13.4051, location_accuracy_m=15)
    assert visit.flags == []
    assert not Visit.objects.awaiting_review().exists()


@pytest.mark.parametrize(("minutes", "flagged"), [(2, True), (3, False), (240, False), (241, True)])
def test_duration_under_3_or_over_240_minutes_is_implausible(shopper, store, minutes, flagged):
    started = timezone.now() - dt.timedelta(hours=5)
    visit = submit_visit(observer=shopper, store=store, started_at=started, minutes=minutes)
    assert ("duration_implausible" in codes(visit)) is flagged


def test_a_stopwatch_time_longer_than_the_visit_is_flagged(shopper, store):
    visit = submit_visit(
        observer=shopper,
        store=store,
        minutes=5,
        interactions=[interaction_input(asked=True, response_seconds=400, response_quality=3)],
    )
    assert codes(visit) == ["stopwatch_exceeds_visit"]


def test_a_position_far_from_the_store_is_flagged_with_distance_and_accuracy(shopper, store):
    # About 1.1 km north of the store.
    visit = submit_visit(observer=shopper, store=store, latitude=52.53, longitude=13.405, location_accuracy_m=30)
    assert visit.flags == [{"code": "far_from_store", "distance_m": 1112, "accuracy_m": 30}]


def test_a_visit_submitted_more_than_7_days_later_is_flagged(shopper, store):
    started = timezone.now() - dt.timedelta(days=8)
    visit = submit_visit(observer=shopper, store=store, started_at=started)
    assert codes(visit) == ["submitted_late"]


def test_the_same_shopper_in_the_same_store_within_14_days_is_flagged(shopper, store):
    now = timezone.now()
    submit_visit(observer=shopper, store=store, started_at=now - dt.timedelta(days=30))
    fifteen_days_later = submit_visit(observer=shopper, store=store, started_at=now - dt.timedelta(days=15))
    thirteen_days_later = submit_visit(observer=shopper, store=store, started_at=now - dt.timedelta(days=2))
    assert "repeat_visit" not in codes(fifteen_days_later)
    assert {"code": "repeat_visit", "days_apart": 13.0} in thirteen_days_later.flags


def test_another_store_is_not_a_repeat_visit(shopper, store, other_store):
    shopper.stores.add(other_store)
    submit_visit(observer=shopper, store=other_store, started_at=timezone.now() - dt.timedelta(days=3))
    visit = submit_visit(observer=shopper, store=store, started_at=timezone.now() - dt.timedelta(days=1))
    assert visit.flags == []


def test_supervisors_walking_their_stores_often_are_not_repeat_visits(supervisor, store):
    submit_visit(observer=supervisor, store=store, started_at=timezone.now() - dt.timedelta(days=3))
    visit = submit_visit(observer=supervisor, store=store, started_at=timezone.now() - dt.timedelta(days=1))
    assert visit.flags == []


def test_flagged_shopper_visits_wait_in_the_review_queue(shopper, store):
    data = visit_input(minutes=1)
    visit_submit(observer=shopper, store=store, data=data)
    assert list(Visit.objects.awaiting_review().values_list("pk", flat=True)) == [data.id]
