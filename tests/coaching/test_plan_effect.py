"""Did it work? The focus behaviour in four weeks before the plan against the weeks after it.

The week that opened the plan (W47) and the week it was compared with (W46) are on neither side:
plans open on unusually bad weeks, and counting them as "before" would show a plan that changes
nothing as an improvement (regression to the mean).

Smile scores are 25 * (smile - 1). Before (W42..W45): smiles 1, 3, 2, 4 -> 0, 50, 25, 75 (mean 37.5,
squared deviations 1406.25 + 156.25 + 156.25 + 1406.25 = 3125, variance 1041.67). After (W49, W50,
the plan was submitted in W48): smiles 2, 4, 3, 5 -> 25, 75, 50, 100 (mean 62.5, the same variance).
SE^2 = 1041.67/4 * 2 = 520.83, SE = 22.82; equal n and variance: df = 2 * (4 - 1) = 6, t = 2.447;
the difference 25 has the interval 25 ± 55.85 = -30.85 to 80.85 (shown as -30.8 to 80.8): within normal variation.
More visits after the plan cannot settle it: the before side alone has SE 16.1.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from coaching.selectors import plan_effects, plan_windows
from coaching.wording import effect_sentence
from reports import publication

from .conftest import W47, smile_visit

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(weeks=1)
W49, W50 = W47 + 2 * WEEK, W47 + 3 * WEEK
W50_PUBLISHED = publication.published_at(W50, zoneinfo.ZoneInfo("Europe/Berlin"))


@pytest.fixture
def before_and_after(store, shopper, submitted_plan):
    for week, smile in zip([W47 - 5 * WEEK, W47 - 4 * WEEK, W47 - 3 * WEEK, W47 - 2 * WEEK], [1, 3, 2, 4], strict=True):
        smile_visit(shopper, store, week, [smile])
    # the week compared with, the week that opened the plan and the week it was submitted: neither side
    smile_visit(shopper, store, W47 - WEEK, [5])
    smile_visit(shopper, store, W47, [1])
    smile_visit(shopper, store, W47 + WEEK, [1])
    for week, smiles in [(W49, [2, 4]), (W50, [3, 5])]:
        for day, smile in enumerate(smiles, start=1):
            smile_visit(shopper, store, week, [smile], day=day)
    return submitted_plan


def test_the_windows_leave_out_the_weeks_that_opened_the_plan_and_end_with_the_complete_weeks_after(
    submitted_plan,
):
    before, after = plan_windows(submitted_plan, last_published_week=W50)
    assert before == [W47 - 5 * WEEK, W47 - 4 * WEEK, W47 - 3 * WEEK, W47 - 2 * WEEK]
    assert after == [W49, W50]


def test_the_effect_of_a_plan_is_computed_by_hand(before_and_after):
    [smile] = plan_effects([before_and_after], now=W50_PUBLISHED, approved_only=False)[before_and_after.pk]
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
    [smile] = plan_effects([open_plan], now=W50_PUBLISHED, approved_only=False)[open_plan.pk]
    assert smile.effect is None
    assert effect_sentence(smile) == "No complete week after the plan yet."


def test_the_after_window_ends_with_the_stores_last_published_week(before_and_after, store):
    """Until W50 is published in the store's time zone (Monday 06:00 Berlin), its visits are not
    "after": a manager would see the mean and the count move while a shopper is in the store."""
    assert store.timezone == "Europe/Berlin"
    just_before = W50_PUBLISHED - dt.timedelta(minutes=1)
    [smile] = plan_effects([before_and_after], now=just_before, approved_only=False)[before_and_after.pk]
    assert smile.after_weeks == (W49, W49)
    assert smile.effect.difference.n_after == 2
    [smile] = plan_effects([before_and_after], now=W50_PUBLISHED, approved_only=False)[before_and_after.pk]
    assert smile.after_weeks == (W49, W50)
