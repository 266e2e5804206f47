from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from observations import scoring
from observations.models import Interaction, Rubric, Visit, VisitStatus
from observations.services import VisitConflict, VisitInvalid, visit_submit, week_start

from ..factories import UserFactory, interaction_input, visit_input

pytestmark = pytest.mark.django_db


def test_submitted_visit_is_stored_with_its_scores_and_rubric_version(shopper, store):
    data = visit_input(
        interactions=[
            interaction_input(asked=True, response_seconds=120, response_quality=3),
            interaction_input(smile=1),
        ]
    )
    result = visit_submit(observer=shopper, store=store, data=data)

    visit = Visit.objects.get(pk=data.id)
    assert result.created
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.observer_role == "shopper"
    assert visit.rubric.version == 1
    assert visit.n_interactions == 2
    assert visit.soi == pytest.approx((85.0 + 50 / 0.7) / 2)
    assert visit.response_score == pytest.approx(50.0)
    assert list(visit.interactions.values_list("position", flat=True)) == [1, 2]
    assert visit.interactions.get(position=1).soi == pytest.approx(85.0)


def test_replayed_visit_creates_nothing(shopper, store):
    data = visit_input()
    visit_submit(observer=shopper, store=store, data=data)
    replay = visit_submit(observer=shopper, store=store, data=data)

    assert not replay.created
    assert replay.visit.pk == data.id
    assert Visit.objects.count() == 1
    assert Interaction.objects.count() == 1


def test_replay_with_times_written_in_another_zone_is_the_same_visit(shopper, store):
    data = visit_input()
    visit_submit(observer=shopper, store=store, data=data)
    zurich = ZoneInfo("Europe/Zurich")
    same = replace(data, started_at=data.started_at.astimezone(zurich), ended_at=data.ended_at.astimezone(zurich))
    assert not visit_submit(observer=shopper, store=store, data=same).created


def test_same_id_with_other_content_is_a_conflict(shopper, store):
    data = visit_input()
    visit_submit(observer=shopper, store=store, data=data)
    changed = replace(data, notes="something else")
    with pytest.raises(VisitConflict):
        visit_submit(observer=shopper, store=store, data=changed)
    assert Visit.objects.get().notes == ""


def test_same_id_from_another_observer_is_a_conflict(shopper, store):
    data = visit_input()
    visit_submit(observer=shopper, store=store, data=data)
    intruder = UserFactory(username="other-shopper", stores=[store])
    with pytest.raises(VisitConflict):
        visit_submit(observer=intruder, store=store, data=data)


def test_invalid_visit_is_refused_with_field_paths(shopper, store):
    data = visit_input(interactions=[interaction_input(), interaction_input(greeted=True, greeting_seconds=None)])
    with pytest.raises(VisitInvalid) as error:
        visit_submit(observer=shopper, store=store, data=data)
    assert error.value.errors == {"interactions[1].greeting_seconds": "is required when greeted is true."}
    assert not Visit.objects.exists()


def test_a_new_rubric_version_does_not_rescore_earlier_visits(shopper, store):
    first = visit_input(interactions=[interaction_input(greeting_seconds=60, greeting_personal=False)])
    visit_submit(observer=shopper, store=store, data=first)
    Rubric.objects.create(version=2, greeting_weight=1, smile_weight=0, hovering_weight=0, response_weight=0)
    later = visit_input(
        started_at=first.started_at + dt.timedelta(minutes=30),
        interactions=[interaction_input(greeting_seconds=60, greeting_personal=False)],
    )
    visit_submit(observer=shopper, store=store, data=later)

    old, new = Visit.objects.get(pk=first.id), Visit.objects.get(pk=later.id)
    assert old.rubric.version == 1
    assert old.soi == pytest.approx((0.3 * 35 + 0.2 * 100 + 0.2 * 100) / 0.7)
    assert new.rubric.version == 2
    assert new.soi == pytest.approx(35.0)


def test_visit_scores_equal_a_recomputation_from_raw_interactions(supervisor, store):
    items = [
        interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=2),
        interaction_input(unsolicited_approaches=3, followed=True, asked=True, response_seconds=75, response_quality=4),
        interaction_input(greeting_seconds=45, smile=4),
    ]
    visit = visit_submit(observer=supervisor, store=store, data=visit_input(interactions=items)).visit
    stored = Visit.objects.get(pk=visit.pk)
    recomputed = scoring.visit_scores([i.values() for i in stored.interactions.all()])
    assert stored.scores == recomputed
    assert stored.observer_role == "supervisor"


@pytest.mark.parametrize(
    ("local_start", "expected_monday"),
    [
        (dt.datetime(2026, 11, 22, 23, 30), dt.date(2026, 11, 16)),  # Sunday night still belongs to that week
        (dt.datetime(2026, 11, 23, 0, 15), dt.date(2026, 11, 23)),  # Monday just after midnight starts the next
    ],
)
def test_week_is_the_iso_week_in_the_store_timezone(other_store, local_start, expected_monday):
    moment = local_start.replace(tzinfo=ZoneInfo("Europe/Zurich"))
    assert week_start(moment, other_store) == expected_monday
    # The same instant in UTC is on another calendar day, which must not matter.
    assert week_start(moment.astimezone(dt.UTC), other_store) == expected_monday


def test_database_refuses_a_greeting_time_without_a_greeting(shopper, store):
    visit = visit_submit(observer=shopper, store=store, data=visit_input()).visit
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(visit=visit, position=9, greeted=False, greeting_seconds=12, smile=3)


def test_database_refuses_an_answer_without_a_question(shopper, store):
    visit = visit_submit(observer=shopper, store=store, data=visit_input()).visit
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(
            visit=visit, position=9, greeted=True, greeting_seconds=5, smile=3, asked=False, response_quality=4
        )


def test_database_refuses_a_visit_that_ends_before_it_starts(shopper, store):
    visit = visit_submit(observer=shopper, store=store, data=visit_input()).visit
    visit.ended_at = visit.started_at - dt.timedelta(minutes=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        visit.save()
