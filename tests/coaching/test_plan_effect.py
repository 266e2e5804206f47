"""Did it work? The focus behaviour in the four weeks up to the plan against the weeks after it.

Smile scores are 25 * (smile - 1). Before (W44..W47): smiles 1, 3, 2, 4 -> 0, 50, 25, 75 (mean 37.5,
squared deviations 1406.25 + 156.25 + 156.25 + 1406.25 = 3125, variance 1041.67). After (W49, W50,
the plan was submitted in W48): smiles 2, 4, 3, 5 -> 25, 75, 50, 100 (mean 62.5, the same variance).
SE^2 = 1041.67/4 * 2 = 520.83, SE = 22.82; equal n and variance: df = 2 * (4 - 1) = 6, t = 2.447;
the difference 25 has the interval 25 ± 55.85 = -30.85 to 80.85 (shown as -30.8 to 80.8): within normal variation.
More visits after the plan cannot settle it: the before side alone has SE 16.1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from coaching.models import PlanState
from coaching.selectors import focus_outcomes, plan_effects, plan_windows
from coaching.wording import effect_sentence

from .conftest import W47, smile_visit

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(weeks=1)
W49, W50 = W47 + 2 * WEEK, W47 + 3 * WEEK


@pytest.fixture
def before_and_after(store, shopper, submitted_plan):
    for week, smile in zip([W47 - 3 * WEEK, W47 - 2 * WEEK, W47 - WEEK, W47], [1, 3, 2, 4], strict=True):
        smile_visit(shopper, store, week, [smile])
    smile_visit(shopper, store, W47 + WEEK, [1])  # the week the plan was submitted counts on neither side
    for week, smiles in [(W49, [2, 4]), (W50, [3, 5])]:
        for day, smile in enumerate(smiles, start=1):
            smile_visit(shopper, store, week, [smile], day=day)
    return submitted_plan


def test_the_windows_are_four_weeks_up_to_the_plan_and_the_complete_weeks_after_its_submission(submitted_plan):
    before, after = plan_windows(submitted_plan, last_complete_week=W50)
    assert before == [W47 - 3 * WEEK, W47 - 2 * WEEK, W47 - WEEK, W47]
    assert after == [W49, W50]


def test_the_effect_of_a_plan_is_computed_by_hand(before_and_after):
    [smile] = plan_effects([before_and_after], last_complete_week=W50, approved_only=False)[before_and_after.pk]
    difference = smile.effect.difference
    assert (difference.before, difference.after, difference.n_before, difference.n_after) == (37.5, 62.5, 4, 4)
    assert difference.low == pytest.approx(25 - 55.85, abs=0.01)
    assert difference.high == pytest.approx(25 + 55.85, abs=0.01)
    assert difference.direction == "steady"
    # before's own uncertainty alone (SE 16.1, at least 1.96 * 16.1 = 31.6 wide) exceeds 25
    assert smile.effect.more_visits_needed is None
    sentence = effect_sentence(smile)
    assert sentence.startswith("Within normal variation so far (+25.0 points, 95% interval -30.8 to 80.8;")
    assert "4 visits before, 4 after" in sentence
    assert "would not tell a change this small apart from chance" in sentence


def test_an_open_plan_has_no_after(open_plan):
    [smile] = plan_effects([open_plan], last_complete_week=W50, approved_only=False)[open_plan.pk]
    assert smile.effect is None
    assert effect_sentence(smile) == "No complete week after the plan yet."


def test_head_office_overview_counts_plans_and_mean_change_per_behaviour(before_and_after):
    before_and_after.state = PlanState.ACCEPTED
    outcomes = {
        item.dimension: item
        for item in focus_outcomes(plan_effects([before_and_after], last_complete_week=W50, approved_only=False))
    }
    assert (outcomes["smile"].plans, outcomes["smile"].measured, outcomes["smile"].improved) == (1, 1, 0)
    assert outcomes["smile"].mean_change == pytest.approx(25.0)
    assert outcomes["greeting"].plans == 0
