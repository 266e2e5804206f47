"""The store weekly report's figures against hand-computed expectations (see conftest for the
scores of PERFECT, MIXED and COLD)."""

from __future__ import annotations

import pytest

from reports.publication import Audience
from reports.store_report import store_weekly_report

from ..factories import interaction_input
from .conftest import COLD, COLD_SOI, MIXED, PERFECT, W10, W11, review, visit

pytestmark = pytest.mark.django_db

MIXED_COLD_SOI = (60 + COLD_SOI) / 2  # a visit's SOI is the mean of its interactions'


@pytest.fixture
def week11(store, shopper, supervisor):
    """W11 in Berlin: a perfect shopper visit, a supervisor visit of MIXED and COLD, a rejected visit."""
    visit(shopper, store, "2026-03-10 10:00", PERFECT, notes="Warm welcome at the entrance.")
    visit(supervisor, store, "2026-03-12 16:00", MIXED, COLD)
    rejected = visit(shopper, store, "2026-03-13 11:00", COLD, COLD)
    review(rejected, supervisor, "reject")


def test_store_soi_is_the_mean_of_the_counted_visit_sois(week11, store):
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    assert figures.n_visits == 2
    assert figures.soi == pytest.approx((100 + MIXED_COLD_SOI) / 2)  # 68.57
    assert figures.band == "steppe"


def test_dimension_scores_average_the_visit_dimension_scores(week11, store):
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    assert figures.greeting == pytest.approx((100 + (35 + 0) / 2) / 2)
    assert figures.smile == pytest.approx((100 + (75 + 0) / 2) / 2)
    assert figures.hovering == pytest.approx((100 + (75 + 50) / 2) / 2)
    # only MIXED was asked anything: the other visit has no response score and is left out
    assert figures.response == pytest.approx(65)


def test_rates_and_medians_count_interactions_of_counted_visits(week11, store):
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    assert figures.n_interactions == 3
    assert figures.greeting_rate == pytest.approx(200 / 3)  # PERFECT and MIXED greeted
    assert figures.median_greeting_seconds == 35  # median of 10 and 60
    assert figures.smile_rate == pytest.approx(200 / 3)  # smiles 5 and 4
    assert figures.hovering_rate == pytest.approx(200 / 3)  # MIXED approached twice, COLD followed
    assert figures.median_response_seconds == 120


def test_confidence_interval_needs_two_visits_and_is_clipped(week11, store, shopper):
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    assert (figures.ci_low, figures.ci_high) == (0.0, 100.0)  # two very different visits: wide

    visit(shopper, store, "2026-03-03 10:00", PERFECT)
    single = store_weekly_report(store=store, week_start=W10, approved_only=False, audience=Audience.STAFF).figures
    assert single.n_visits == 1
    assert (single.ci_low, single.ci_high) == (None, None)


def test_confidence_interval_of_three_visits_is_the_t_interval(store, shopper):
    for when in ("2026-03-09 10:00", "2026-03-10 10:00"):
        visit(shopper, store, when, PERFECT)
    visit(shopper, store, "2026-03-11 10:00", MIXED)
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    # SOIs 100, 100, 60: mean 86.667, sd 23.094, t(2) = 4.303, half width 4.303 * 23.094 / sqrt(3) = 57.37
    assert figures.soi == pytest.approx(260 / 3)
    assert figures.ci_low == pytest.approx(260 / 3 - 57.373, abs=0.01)
    assert figures.ci_high == 100.0


def test_a_visit_where_nothing_was_asked_has_no_response_score(store, shopper):
    visit(shopper, store, "2026-03-10 10:00", PERFECT, COLD)
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    assert figures.response is None
    assert figures.median_response_seconds is None
    assert figures.soi == pytest.approx((100 + COLD_SOI) / 2)


def test_a_supervisor_visit_with_twenty_interactions_weighs_as_much_as_a_shopper_visit(store, shopper, supervisor):
    visit(shopper, store, "2026-03-10 10:00", PERFECT)
    visit(supervisor, store, "2026-03-11 10:00", *[COLD] * 20, minutes=120)
    figures = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    assert figures.n_visits == 2
    assert figures.n_interactions == 21
    assert figures.soi == pytest.approx((100 + COLD_SOI) / 2)  # not (100 + 20 * COLD_SOI) / 21
    assert figures.smile == pytest.approx(50)


def test_approved_only_counts_just_the_approved_visits(week11, store, shopper, supervisor):
    approved = visit(shopper, store, "2026-03-14 10:00", MIXED)
    review(approved, supervisor, "approve")
    counted = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).figures
    approved_only = store_weekly_report(
        store=store, week_start=W11, approved_only=True, audience=Audience.STAFF
    ).figures
    assert counted.n_visits == 3
    assert approved_only.n_visits == 1
    assert approved_only.soi == pytest.approx(60)


def test_change_since_last_week_compares_with_the_previous_week(week11, store, shopper):
    visit(shopper, store, "2026-03-04 10:00", PERFECT)
    report = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert report.previous.soi == pytest.approx(100)
    changes = {change.figure: change.delta for change in report.changes}
    assert changes["soi"] == pytest.approx((100 + MIXED_COLD_SOI) / 2 - 100)
    assert changes["greeting"] == pytest.approx((100 + 17.5) / 2 - 100)
    assert "response" not in changes  # no response score last week


def test_trend_covers_twelve_weeks_ending_with_the_report_week(week11, store, shopper):
    visit(shopper, store, "2026-03-04 10:00", interaction_input(smile=3))
    trend = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF).trend
    assert len(trend) == 12
    assert trend[-1].week_start == W11
    assert trend[-1].label == "2026-W11"
    assert trend[-2].figures.n_visits == 1
    assert [point.figures.soi for point in trend[:-2]] == [None] * 10
