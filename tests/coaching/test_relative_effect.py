"""Head office's "what changed after the plans": each plan's change against comparable stores of its
region over the same weeks (a difference in differences), by hand and through the page.

The plan store (before_and_after, see test_plan_effect): smile 37.5 before (W42..W45), 62.5 after
(W49, W50): +25, Welch SE^2 = 1041.67/4 + 1041.67/4 = 520.83 on 6 degrees of freedom.
Comparable stores of its region, one visit a side: A smile 2 -> 4 (25 -> 75, +50), B 3 -> 3 (0),
C 2 -> 3 (25 -> 50, +25): mean change +25, spread ((25^2 + 25^2 + 0) / 2) = 625, SE^2 = 625 / 3.
Relative change 25 - 25 = 0, SE^2 = 520.83 + 208.33 = 729.17 (SE 27.0), Satterthwaite's df
729.17^2 / (520.83^2 / 6 + 208.33^2 / 2) = 7.95.
A store of the region with a plan of its own in those weeks, and a store of another region, are
not comparable (each would move the mean: +100 and -50).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.urls import reverse

from coaching.models import ActionPlan, Reason
from coaching.selectors import (
    MIN_COMPARABLE,
    comparison_changes,
    focus_outcomes,
    relative_difference,
    relative_effects,
)
from reports.distributions import t_quantile
from reports.significance import Sample
from tests.factories import StoreFactory

from .conftest import W47, smile_visit
from .test_plan_effect import W49, W50_PUBLISHED, before_and_after  # noqa: F401 (a fixture)

WEEK = dt.timedelta(weeks=1)
OWN_SE2 = 2 * (3125 / 3) / 4
COMPARISON_SE2 = 625 / 3
SE2 = OWN_SE2 + COMPARISON_SE2
DF = SE2 * SE2 / (OWN_SE2 * OWN_SE2 / 6 + COMPARISON_SE2 * COMPARISON_SE2 / 2)


def test_the_relative_change_and_its_interval_by_hand():
    before, after = Sample.of([0, 50, 25, 75]), Sample.of([25, 75, 50, 100])
    difference = relative_difference(before, after, [50.0, 0.0, 25.0])
    assert (difference.before, difference.after, difference.delta) == (25.0, 25.0, 0.0)
    assert pytest.approx(7.95, abs=0.01) == DF
    half = t_quantile(DF) * math.sqrt(SE2)
    assert (difference.low, difference.high) == (pytest.approx(-half), pytest.approx(half))
    assert difference.direction == "steady"
    assert not relative_difference(before, after, [50.0, 0.0]).testable  # fewer than MIN_COMPARABLE stores
    assert MIN_COMPARABLE == 3


def test_comparable_stores_are_matched_on_the_opening_weeks_level_when_enough_are():
    candidates = [(40.0, 1.0), (45.0, 2.0), (52.0, 3.0), (80.0, 9.0), (None, 7.0)]
    assert comparison_changes(44.0, candidates) == [1.0, 2.0, 3.0]  # within 10 points of 44
    assert comparison_changes(75.0, candidates) == [1.0, 2.0, 3.0, 9.0, 7.0]  # one match: all
    assert comparison_changes(None, candidates) == [1.0, 2.0, 3.0, 9.0, 7.0]


@pytest.fixture
def comparable_stores(before_and_after, store, region, other_region, shopper):  # noqa: F811
    for code, smiles in (("cmp-a", (2, 4)), ("cmp-b", (3, 3)), ("cmp-c", (2, 3))):
        other = StoreFactory(code=code, region=region)
        smile_visit(shopper, other, W47 - 4 * WEEK, [smiles[0]])
        smile_visit(shopper, other, W49, [smiles[1]])
    planned = StoreFactory(code="cmp-planned", region=region)
    smile_visit(shopper, planned, W47 - 4 * WEEK, [1])
    smile_visit(shopper, planned, W49, [5])
    ActionPlan.objects.create(store=planned, week_start=W47 + WEEK, reason=Reason.DESERT, focus="smile")
    elsewhere = StoreFactory(code="cmp-south", region=other_region)
    smile_visit(shopper, elsewhere, W47 - 4 * WEEK, [5])
    smile_visit(shopper, elsewhere, W49, [3])
    return before_and_after


@pytest.mark.django_db
def test_head_office_reads_each_plans_change_relative_to_comparable_stores(comparable_stores):
    [smile] = relative_effects([comparable_stores], approved_only=False, now=W50_PUBLISHED)[comparable_stores.pk]
    assert smile.difference.n_before == 3  # the planned store and the other region's are left out
    assert smile.difference.delta == pytest.approx(0.0)
    assert smile.difference.high == pytest.approx(t_quantile(DF) * math.sqrt(SE2))
    outcomes = {item.dimension: item for item in focus_outcomes({comparable_stores.pk: [smile]})}
    assert (outcomes["smile"].plans, outcomes["smile"].measured, outcomes["smile"].improved) == (1, 1, 0)
    assert outcomes["smile"].mean_change == pytest.approx(0.0)
    assert outcomes["smile"].low is None  # one plan: no interval over plans


@pytest.mark.django_db
def test_the_plans_page_says_changed_relative_to_comparable_stores_in_both_languages(
    client, head_office, comparable_stores
):
    client.force_login(head_office)
    english = client.get(reverse("coaching:plans"), headers={"accept-language": "en"}).content.decode()
    assert "Mean change relative to comparable stores" in english
    assert "is still not proof that the plan caused it" in english
    head_office.language = "de"
    head_office.save()
    german = client.get(reverse("coaching:plans"), headers={"accept-language": "de"}).content.decode()
    assert "Mittlere Veränderung gegenüber vergleichbaren Filialen" in german
