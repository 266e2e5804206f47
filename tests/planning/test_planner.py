"""The planner's rules on plain values: windows, spread, scope, lockout, capacity, determinism."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from planning import planner
from planning.planner import Commitments, Shopper

MONDAY = dt.date(2026, 11, 30)
FOUR_WEEKS = (MONDAY, MONDAY + dt.timedelta(days=27))


def slots_for(count: int, code: str = "s1", store_id: int = 1, taken=()) -> list[planner.Slot]:
    return planner.store_slots(
        store_id=store_id, store_code=code, count=count, all_windows=planner.windows(*FOUR_WEEKS), taken=taken
    )


def run(slots, shoppers, commitments=None, lockout_days=30, codes=None):
    return planner.plan(
        slots=slots,
        shoppers=shoppers,
        commitments=commitments or Commitments(),
        lockout_days=lockout_days,
        store_codes=codes or {slot.store_id: f"s{slot.store_id}" for slot in slots},
    )


def shopper(pk: int, stores=(1,), capacity: int = 5) -> Shopper:
    return Shopper(id=pk, key=f"shopper{pk}", capacity=capacity, store_ids=frozenset(stores))


def test_each_week_has_a_weekday_and_a_weekend_window_clipped_to_the_wave():
    windows = planner.windows(dt.date(2026, 12, 2), dt.date(2026, 12, 12))  # Wednesday .. Saturday
    assert [(w.day_type, w.start.isoformat(), w.end.isoformat()) for w in windows] == [
        ("weekday", "2026-12-02", "2026-12-04"),
        ("weekend", "2026-12-05", "2026-12-06"),
        ("weekday", "2026-12-07", "2026-12-11"),
        ("weekend", "2026-12-12", "2026-12-12"),
    ]


def test_six_visits_cover_every_combination_of_days_and_time_of_day_once():
    kinds = Counter((slot.window.day_type, slot.time_of_day) for slot in slots_for(6))
    assert kinds == Counter(dict.fromkeys(planner.KINDS, 1))


def test_four_visits_in_four_weeks_fall_one_per_week_two_on_weekends():
    slots = slots_for(4)
    assert sorted(slot.window.week for slot in slots) == [MONDAY + dt.timedelta(weeks=i) for i in range(4)]
    assert Counter(slot.window.day_type for slot in slots) == {"weekday": 2, "weekend": 2}
    assert len({slot.time_of_day for slot in slots}) == 3


def test_new_visits_fill_the_kinds_that_locked_ones_left_unused():
    slots = slots_for(1, taken=[("weekday", "morning")])
    assert (slots[0].window.day_type, slots[0].time_of_day) != ("weekday", "morning")


def test_a_shopper_is_planned_only_in_stores_they_may_record_for():
    proposals = run(
        slots_for(2, store_id=1) + slots_for(2, store_id=2), [shopper(1, stores=[1]), shopper(2, stores=[1])]
    )
    store_two = [p for p in proposals if p.store_id == 2]
    assert [p.shopper_id for p in store_two] == [None, None]
    assert store_two[0].reason["code"] == "no_shopper"
    assert {p.shopper_id for p in proposals if p.store_id == 1} == {1, 2}


def test_the_same_shopper_is_never_twice_in_a_store_within_the_lockout():
    proposals = run(slots_for(4), [shopper(1), shopper(2)])
    assigned = [p for p in proposals if p.shopper_id]
    assert Counter(p.shopper_id for p in assigned) == {1: 1, 2: 1}  # 4 weeks < 30 days: one visit each
    unassigned = [p for p in proposals if not p.shopper_id]
    assert [p.reason for p in unassigned] == [
        {"code": "none_free", "eligible": 2, "locked_out": 2, "at_capacity": 0}
    ] * 2


def test_a_shorter_lockout_lets_a_shopper_return_once_it_has_passed():
    # Two visits in four weeks: weekdays of week 2 (ends day 11), the weekend of week 4 (from day 26).
    assert [p.shopper_id for p in run(slots_for(2), [shopper(1)], lockout_days=15)] == [1, 1]
    assert sorted(p.shopper_id or 0 for p in run(slots_for(2), [shopper(1)], lockout_days=16)) == [0, 1]


def test_an_earlier_visit_or_wave_locks_the_shopper_out_of_early_windows_only():
    commitments = Commitments()
    commitments.add_period(1, 1, MONDAY - dt.timedelta(days=10), MONDAY - dt.timedelta(days=10))
    proposals = run(slots_for(4), [shopper(1), shopper(2)], commitments=commitments)
    first = min(proposals, key=lambda p: p.window.start)
    assert first.shopper_id == 2
    assert first.reason["locked_out"] == 1
    mine = [p for p in proposals if p.shopper_id == 1]
    assert mine and all((p.window.start - (MONDAY - dt.timedelta(days=10))).days >= 30 for p in mine)


def test_no_shopper_is_planned_over_their_weekly_capacity():
    window = planner.windows(*FOUR_WEEKS)[0]
    same_week = [planner.Slot(store, window, "morning") for store in range(1, 7)]
    proposals = run(same_week, [shopper(1, stores=range(1, 7), capacity=4)])
    assert sum(1 for p in proposals if p.shopper_id == 1) == 4
    assert [p.reason["at_capacity"] for p in proposals if p.shopper_id is None] == [1, 1]


def test_visits_already_planned_elsewhere_fill_the_week():
    commitments = Commitments()
    commitments.add_load(1, MONDAY, 5)
    proposals = run(
        [planner.Slot(1, planner.windows(*FOUR_WEEKS)[0], "morning")], [shopper(1), shopper(2)], commitments
    )
    assert proposals[0].shopper_id == 2


def test_work_goes_to_the_shopper_with_the_fewest_visits_that_week():
    window = planner.windows(*FOUR_WEEKS)[0]
    slots = [planner.Slot(store, window, "morning") for store in (1, 2, 3, 4)]
    proposals = run(slots, [shopper(1, stores=[1, 2, 3, 4]), shopper(2, stores=[1, 2, 3, 4])])
    assert Counter(p.shopper_id for p in proposals) == {1: 2, 2: 2}


def test_the_reason_says_how_the_shopper_was_chosen():
    proposals = run(slots_for(1), [shopper(1), shopper(2)])
    reason = proposals[0].reason
    assert reason == {
        "code": "chosen",
        "eligible": 2,
        "locked_out": 0,
        "at_capacity": 0,
        "free": 2,
        "week_load": 0,
        "capacity": 5,
        "total_load": 0,
        "last_there": None,
    }


def test_the_same_inputs_give_the_same_plan_whatever_their_order():
    shoppers = [shopper(pk, stores=range(1, 21), capacity=3) for pk in range(1, 11)]
    slots = [slot for store in range(1, 21) for slot in slots_for(5, code=f"s{store}", store_id=store)]
    first = run(slots, shoppers)
    second = run(list(reversed(slots)), list(reversed(shoppers)))
    assert first == second
