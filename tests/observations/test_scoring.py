"""The reference scoring of docs/product.md, checked against hand-computed values at every boundary."""

from __future__ import annotations

import math

import pytest

from observations import scoring
from observations.scoring import InteractionValues, RubricParams, Scores


def interaction(**overrides) -> InteractionValues:
    values = {
        "greeted": True,
        "greeting_seconds": 10,
        "greeting_personal": True,
        "smile": 5,
        "unsolicited_approaches": 0,
        "followed": False,
        "asked": False,
        "response_seconds": None,
        "response_quality": None,
    }
    values.update(overrides)
    return InteractionValues(**values)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, 1.0), (30, 1.0), (31, 59 / 60), (60, 0.5), (89, 1 / 60), (90, 0.0), (3600, 0.0)],
)
def test_timeliness_is_full_up_to_target_and_zero_from_the_zero_point(seconds, expected):
    assert scoring.timeliness(seconds, 30, 90) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("greeted", "seconds", "personal", "expected"),
    [
        (False, None, False, 0.0),
        (True, 0, False, 70.0),
        (True, 30, True, 100.0),
        (True, 30, False, 70.0),
        (True, 60, False, 35.0),
        (True, 60, True, 65.0),
        (True, 90, True, 30.0),
        (True, 90, False, 0.0),
        (True, 600, True, 30.0),
    ],
)
def test_greeting_score_at_the_30_and_90_second_boundaries(greeted, seconds, personal, expected):
    values = interaction(greeted=greeted, greeting_seconds=seconds, greeting_personal=personal)
    assert scoring.greeting_score(values) == pytest.approx(expected)


@pytest.mark.parametrize(("smile", "expected"), [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0), (5, 100.0)])
def test_smile_score_is_25_points_per_step(smile, expected):
    assert scoring.smile_score(interaction(smile=smile)) == expected


@pytest.mark.parametrize(
    ("approaches", "followed", "expected"),
    [
        (0, False, 100.0),
        (1, False, 100.0),
        (2, False, 75.0),
        (5, False, 0.0),
        (9, False, 0.0),
        (0, True, 50.0),
        (1, True, 50.0),
        (2, True, 25.0),
        (5, True, 0.0),
    ],
)
def test_hovering_forgives_one_approach_and_penalises_following(approaches, followed, expected):
    values = interaction(unsolicited_approaches=approaches, followed=followed)
    assert scoring.hovering_score(values) == expected


def test_response_has_no_score_when_nothing_was_asked():
    assert scoring.response_score(interaction(asked=False)) is None


@pytest.mark.parametrize(
    ("seconds", "quality", "expected"),
    [
        (0, 5, 100.0),
        (60, 5, 100.0),
        (60, 1, 40.0),
        (120, 3, 50.0),
        (180, 5, 60.0),
        (180, 1, 0.0),
        (90, 4, 100 * (0.4 * 0.75 + 0.6 * 0.75)),
    ],
)
def test_response_score_at_the_60_and_180_second_boundaries(seconds, quality, expected):
    values = interaction(asked=True, response_seconds=seconds, response_quality=quality)
    assert scoring.response_score(values) == pytest.approx(expected)


def test_interaction_soi_weighs_all_four_dimensions_when_asked():
    values = interaction(asked=True, response_seconds=120, response_quality=3)
    scores = scoring.interaction_scores(values)
    # greeting 100, smile 100, hovering 100, response 50 -> 0.3*100 + 0.2*100 + 0.2*100 + 0.3*50
    assert scores == Scores(soi=pytest.approx(85.0), greeting=100.0, smile=100.0, hovering=100.0, response=50.0)


def test_interaction_soi_renormalises_the_weights_when_nothing_was_asked():
    values = interaction(greeting_seconds=60, greeting_personal=False, smile=3, unsolicited_approaches=2)
    scores = scoring.interaction_scores(values)
    # (0.3*35 + 0.2*50 + 0.2*75) / 0.7
    assert scores.soi == pytest.approx(35.5 / 0.7)
    assert scores.response is None


def test_a_perfect_interaction_scores_exactly_100_whatever_the_weights_add_up_to_in_floating_point():
    rubric = RubricParams(greeting_weight=0.3, smile_weight=0.4, hovering_weight=0.2, response_weight=0.1)
    assert 0.3 + 0.4 + 0.2 + 0.1 < 1  # 0.9999999999999999: 100 / that is 100.00000000000001
    values = interaction(asked=True, response_seconds=10, response_quality=5)
    assert scoring.interaction_scores(values, rubric).soi == 100.0


def test_not_greeted_counts_as_zero_not_as_missing():
    scores = scoring.interaction_scores(interaction(greeted=False, greeting_seconds=None, greeting_personal=False))
    assert scores.greeting == 0.0
    assert scores.soi == pytest.approx((0.3 * 0 + 0.2 * 100 + 0.2 * 100) / 0.7)


def test_visit_soi_is_the_mean_of_its_interactions_and_dimensions_ignore_missing():
    asked = interaction(asked=True, response_seconds=120, response_quality=3)  # soi 85, response 50
    silent = interaction(smile=1)  # greeting 100, smile 0, hovering 100 -> (30 + 0 + 20) / 0.7
    visit = scoring.visit_scores([asked, silent])
    assert visit.soi == pytest.approx((85.0 + 50 / 0.7) / 2)
    assert visit.smile == pytest.approx(50.0)
    assert visit.response == pytest.approx(50.0)  # only the interaction that asked


def test_a_store_week_weighs_every_visit_the_same_however_many_interactions():
    short_visit = scoring.visit_scores([interaction(asked=True, response_seconds=60, response_quality=5)])  # 100
    long_visit = scoring.visit_scores([interaction(smile=1)] * 20)  # each 50/0.7
    week = scoring.combine([short_visit, long_visit])
    assert short_visit.soi == pytest.approx(100.0)
    assert week.soi == pytest.approx((100.0 + 50 / 0.7) / 2)
    assert week.response == pytest.approx(100.0)  # the long visit has no response score


def test_a_period_without_visits_has_no_scores():
    assert scoring.combine([]) == scoring.EMPTY_SCORES


@pytest.mark.parametrize(
    ("soi", "expected"),
    [(100, "oasis"), (75, "oasis"), (74.99, "steppe"), (50, "steppe"), (49.99, "desert"), (0, "desert"), (None, None)],
)
def test_bands_oasis_from_75_desert_below_50(soi, expected):
    assert scoring.band(soi) == expected


def test_shrunk_score_pulls_few_visits_towards_the_company_mean():
    assert scoring.shrunk_soi(100.0, 1, 60.0) == pytest.approx(70.0)
    assert scoring.shrunk_soi(100.0, 97, 60.0) == pytest.approx(98.8)
    assert scoring.shrunk_soi(None, 0, 60.0) is None


def test_confidence_interval_needs_two_visits():
    assert scoring.confidence_interval([80.0]) is None
    assert scoring.confidence_interval([]) is None


def test_confidence_interval_is_a_t_interval_clipped_to_0_100():
    low, high = scoring.confidence_interval([70.0, 80.0, 90.0])
    # mean 80, sd 10, t(2) = 4.303 -> 80 ± 24.84
    assert low == pytest.approx(80 - 4.303 * 10 / math.sqrt(3))
    assert high == 100.0
    assert scoring.confidence_interval([60.0, 80.0]) == (0.0, 100.0)


def test_confidence_interval_from_sums_equals_the_one_from_values():
    values = [55.0, 61.5, 72.25, 90.0, 43.0, 66.0]
    from_sums = scoring.confidence_interval_from_sums(len(values), sum(values), sum(v * v for v in values))
    assert from_sums == pytest.approx(scoring.confidence_interval(values))


@pytest.mark.parametrize(("df", "exact"), [(1, 12.706), (30, 2.042), (31, 2.0395), (60, 2.0003), (120, 1.9799)])
def test_t_quantile_matches_the_table(df, exact):
    assert scoring.t_quantile_975(df) == pytest.approx(exact, abs=5e-4)


def test_a_new_rubric_version_changes_weights_and_bands():
    rubric = RubricParams(greeting_weight=1, smile_weight=0, hovering_weight=0, response_weight=0, oasis_min_soi=90)
    scores = scoring.interaction_scores(interaction(greeting_seconds=60, greeting_personal=True), rubric)
    assert scores.soi == pytest.approx(65.0)
    assert scoring.band(80, rubric) == "steppe"


def test_round1_shows_one_decimal():
    assert scoring.round1(50.714285) == 50.7
    assert scoring.round1(None) is None
