"""Planning a wave against the database: needs, lockout across waves and visits, locks, determinism."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from planning.inputs import done_in_wave
from planning.models import Assignment, AssignmentStatus, ShopperCapacity, TargetKind, WaveStore
from planning.selectors import wave_coverage
from planning.services import (
    NotAllowed,
    PlanningError,
    assignment_adjust,
    wave_plan,
    wave_publish,
)
from stores.models import Role
from tests.factories import StoreFactory, UserFactory, interaction_input, submit_visit

from .conftest import WAVE_START

pytestmark = pytest.mark.django_db


def plan_rows(wave):
    return sorted(
        (a.store.code, a.shopper.username if a.shopper else None, a.window_start, a.time_of_day)
        for a in Assignment.objects.filter(wave=wave).select_related("store", "shopper")
    )


def at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def test_a_store_without_history_needs_what_the_default_spread_asks_for(wave_factory, store, head_office):
    wave = wave_factory(stores=[store], target_kind=TargetKind.PRECISION, fixed_visits=None, max_visits=30)
    wave_plan(wave=wave, by=head_office)
    row = WaveStore.objects.get(wave=wave)
    # No visits anywhere: sd 20 assumed. With 24 visits the interval is within +-10 with 90 %
    # assurance: P(chi2_23 <= 23 * 24 * 100 / (2.069^2 * 400)) = 0.905; with 23, 0.866
    assert (row.visits_needed, row.reason, row.spread, row.store_n) == (24, "precision", 20.0, 0)


def test_history_of_the_store_sets_its_spread(wave_factory, store, shopper, head_office):
    for day, smile in ((30, 1), (25, 3), (20, 5)):
        submit_visit(
            observer=shopper,
            store=store,
            started_at=at(WAVE_START - dt.timedelta(days=day)),
            now=at(WAVE_START - dt.timedelta(days=day - 1)),
            interactions=[interaction_input(smile=smile)],
        )
    wave = wave_factory(stores=[store], target_kind=TargetKind.PRECISION, fixed_visits=None)
    wave_plan(wave=wave, by=head_office)
    row = WaveStore.objects.get(wave=wave)
    assert (row.store_n, row.region_n, row.company_n) == (3, 3, 3)
    assert row.spread > 0


def test_every_store_of_the_chosen_regions_is_in_the_wave(
    wave_factory, region, store, second_store, other_store, head_office
):
    wave = wave_factory(regions=[region])
    wave_plan(wave=wave, by=head_office)
    assert sorted(WaveStore.objects.filter(wave=wave).values_list("store__code", flat=True)) == ["ber-mitte", "ber-ost"]


def test_each_store_gets_its_visits_by_different_shoppers(wave_factory, store, shoppers, head_office):
    wave = wave_factory(stores=[store], fixed_visits=3)
    wave_plan(wave=wave, by=head_office)
    rows = plan_rows(wave)
    assert len(rows) == 3
    assert len({shopper for _code, shopper, _start, _tod in rows}) == 3


def test_an_earlier_waves_assignment_locks_the_shopper_out(wave_factory, store, shoppers, head_office):
    earlier = wave_factory(
        stores=[store],
        fixed_visits=3,
        starts_on=WAVE_START - dt.timedelta(days=14),
        ends_on=WAVE_START - dt.timedelta(days=8),
    )
    wave_plan(wave=earlier, by=head_office)
    wave = wave_factory(stores=[store], fixed_visits=1, ends_on=WAVE_START + dt.timedelta(days=6))
    wave_plan(wave=wave, by=head_office)
    (only,) = Assignment.objects.filter(wave=wave)
    assert only.shopper is None
    assert only.reason == {"code": "none_free", "eligible": 3, "locked_out": 3, "at_capacity": 0}


def test_an_unplanned_visit_locks_the_shopper_out(wave_factory, store, shoppers, head_office):
    for person in shoppers[:2]:
        submit_visit(observer=person, store=store, started_at=at(WAVE_START - dt.timedelta(days=3)), now=at(WAVE_START))
    wave = wave_factory(stores=[store], fixed_visits=1, ends_on=WAVE_START + dt.timedelta(days=6))
    wave_plan(wave=wave, by=head_office)
    assert plan_rows(wave)[0][1] == "shopper-2"


def test_visits_already_made_in_the_wave_count_supervisors_too(wave_factory, store, shoppers, supervisor, head_office):
    wave = wave_factory(
        stores=[store], fixed_visits=3, starts_on=WAVE_START - dt.timedelta(days=40), ends_on=WAVE_START
    )
    submit_visit(observer=supervisor, store=store, started_at=at(WAVE_START - dt.timedelta(days=5)), now=at(WAVE_START))
    wave_plan(wave=wave, by=head_office)
    assert Assignment.objects.filter(wave=wave).count() == 2


def test_capacity_set_for_a_shopper_limits_their_week(wave_factory, region, head_office):
    stores = [StoreFactory(code=f"cap-{i}", region=region) for i in range(4)]
    busy = UserFactory(username="busy", role=Role.SHOPPER, stores=stores)
    ShopperCapacity.objects.create(shopper=busy, visits_per_week=1)
    wave = wave_factory(stores=stores, fixed_visits=1, ends_on=WAVE_START + dt.timedelta(days=4))
    wave_plan(wave=wave, by=head_office)
    assert Assignment.objects.filter(wave=wave, shopper=busy).count() == 1
    assert Assignment.objects.filter(wave=wave, status=AssignmentStatus.OPEN).count() == 3


def test_head_office_cannot_adjust_a_shopper_beyond_their_weekly_capacity(wave_factory, region, head_office):
    stores = [StoreFactory(code=f"cap-{i}", region=region) for i in range(2)]
    busy = UserFactory(username="busy", role=Role.SHOPPER, stores=stores)
    UserFactory(username="free", role=Role.SHOPPER, stores=stores)
    ShopperCapacity.objects.create(shopper=busy, visits_per_week=1)
    wave = wave_factory(stores=stores, fixed_visits=1, ends_on=WAVE_START + dt.timedelta(days=4))
    wave_plan(wave=wave, by=head_office)
    other = Assignment.objects.filter(wave=wave).exclude(shopper=busy).get()
    assert Assignment.objects.filter(wave=wave, shopper=busy).count() == 1  # busy's week is full

    with pytest.raises(PlanningError) as error:
        assignment_adjust(
            assignment=other,
            by=head_office,
            shopper=busy,
            window_start=other.window_start,
            window_end=other.window_end,
            time_of_day=other.time_of_day,
            locked=True,
        )
    assert error.value.errors == {"shopper": "has 1 planned visit in that week already (their weekly capacity)."}
    assert Assignment.objects.get(pk=other.pk).shopper != busy


def test_planning_again_gives_the_same_plan(wave_factory, region, head_office):
    stores = [StoreFactory(code=f"det-{i:02d}", region=region) for i in range(12)]
    for i in range(6):
        UserFactory(username=f"det-shopper-{i}", role=Role.SHOPPER, stores=stores[i:] + stores[:3])
    wave = wave_factory(regions=[region], fixed_visits=4)
    wave_plan(wave=wave, by=head_office)
    first = plan_rows(wave)
    wave_plan(wave=wave, by=head_office)
    assert plan_rows(wave) == first


def test_a_locked_assignment_survives_planning_again(wave_factory, store, shoppers, head_office):
    wave = wave_factory(stores=[store], fixed_visits=2)
    wave_plan(wave=wave, by=head_office)
    chosen = Assignment.objects.filter(wave=wave).order_by("window_start").first()
    other = next(
        s
        for s in shoppers
        if s.pk != chosen.shopper_id and not Assignment.objects.filter(wave=wave, shopper=s).exists()
    )
    assignment_adjust(
        assignment=chosen,
        by=head_office,
        shopper=other,
        window_start=chosen.window_start,
        window_end=chosen.window_end,
        time_of_day="evening",
        locked=True,
    )
    wave_plan(wave=wave, by=head_office)
    kept = Assignment.objects.get(pk=chosen.pk)
    assert (kept.shopper, kept.time_of_day, kept.locked) == (other, "evening", True)
    assert Assignment.objects.filter(wave=wave).count() == 2
    assert Assignment.objects.filter(wave=wave, shopper=other).count() == 1


def test_head_office_cannot_assign_a_shopper_outside_their_stores(
    wave_factory, store, other_store, shoppers, head_office
):
    outsider = UserFactory(username="outsider", role=Role.SHOPPER, stores=[other_store])
    wave = wave_factory(stores=[store], fixed_visits=1)
    wave_plan(wave=wave, by=head_office)
    assignment = Assignment.objects.get(wave=wave)

    def adjust():
        with pytest.raises(PlanningError) as error:
            assignment_adjust(
                assignment=assignment,
                by=head_office,
                shopper=outsider,
                window_start=assignment.window_start,
                window_end=assignment.window_end,
                time_of_day="morning",
                locked=True,
            )
        return error.value.errors

    assert adjust() == {"shopper": "may not record visits for this store."}
    with translation.override("de"):
        assert adjust() == {"shopper": "darf für diese Filiale keine Besuche erfassen."}


def test_only_head_office_plans_and_publishes(wave_factory, store, supervisor, head_office):
    wave = wave_factory(stores=[store])
    with pytest.raises(NotAllowed):
        wave_plan(wave=wave, by=supervisor)
    with pytest.raises(PlanningError):
        wave_publish(wave=wave, by=head_office)  # not planned yet
    wave_plan(wave=wave, by=head_office)
    assert wave_publish(wave=wave, by=head_office).status == "published"
    with pytest.raises(PlanningError):
        wave_plan(wave=wave, by=head_office)


def test_a_waves_days_are_each_stores_own_days(wave_factory, store, region, head_office):
    """20:00 in New York on the wave's last day is 02:00 the next day in Berlin (the company's
    time zone): the visit is in the wave, in its count and in its precision; 01:00 in Berlin on the
    day after the wave is not, for the Berlin store."""
    new_york = StoreFactory(code="nyc", region=region, timezone="America/New_York")
    shopper = UserFactory(username="shopper-ny", role=Role.SHOPPER, stores=[store, new_york])
    wave = wave_factory(stores=[store, new_york], fixed_visits=1)
    wave_plan(wave=wave, by=head_office)
    last_day, day_after = wave.ends_on, wave.ends_on + dt.timedelta(days=1)

    def visit_at(where, day, hour):
        started = dt.datetime.combine(day, dt.time(hour), tzinfo=where.tzinfo)
        submit_visit(observer=shopper, store=where, started_at=started, now=started + dt.timedelta(hours=1))

    visit_at(new_york, last_day, 20)
    visit_at(store, day_after, 1)

    assert done_in_wave(wave, [store.pk, new_york.pk]) == {new_york.pk: 1}
    rows = {row.store_code: row for row in wave_coverage(head_office, wave, today=day_after)}
    assert (rows["nyc"].figures.done, rows["ber-mitte"].figures.done) == (1, 0)
