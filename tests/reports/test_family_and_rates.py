"""The rules of the calibrated calls, computed by hand: a report's calls as a family (the SOI first,
then Holm), rates tested over visits (cluster-robust), and the visits a week that would tell."""

from __future__ import annotations

import pytest

from reports.family import family_control, holm
from reports.power import visits_for_power
from reports.significance import (
    Difference,
    RateSample,
    difference_of_rates,
)


def with_p(p_value: float, delta: float = -5.0) -> Difference:
    """A testable difference with the given p-value (its interval excludes 0 when p < 0.05)."""
    half = 10.0 if p_value >= 0.05 else 1.0
    return Difference(60.0, 60.0 + delta, 4, 4, delta - half, delta + half, p_value, p_value < 0.05)


def called(differences: dict[str, Difference], **options) -> set[str]:
    return {name for name, d in family_control(differences, **options).items() if d.meaningful}


def test_holm_steps_down_until_the_first_p_value_above_its_share_of_alpha():
    # sorted: 0.004 <= 0.05/4 = 0.0125; 0.012 <= 0.05/3 = 0.0167; 0.03 > 0.05/2 = 0.025: stop
    assert holm({"a": 0.03, "b": 0.004, "c": 0.012, "d": 0.04}) == {"b", "c"}


def test_a_report_whose_soi_did_not_change_calls_nothing_however_small_a_dimensions_p_value():
    differences = {"soi": with_p(0.20), "greeting": with_p(0.001), "smile_rate": with_p(0.004)}
    assert called(differences) == set()


def test_the_old_rule_would_have_called_two_figures_of_the_same_report():
    differences = {"soi": with_p(0.20), "greeting": with_p(0.001), "smile_rate": with_p(0.004)}
    assert called(differences, rule="none") == {"greeting", "smile_rate"}


def test_behind_a_called_soi_the_other_figures_are_called_by_holm_over_the_seven():
    # the SOI at 0.03 <= 0.05 opens the gate; seven others: 0.005 <= 0.05/7 = 0.00714 is called,
    # 0.009 > 0.05/6 = 0.00833 stops the procedure, although 0.009 < 0.05 on its own.
    differences = {
        "soi": with_p(0.03),
        "greeting": with_p(0.005),
        "smile": with_p(0.009),
        "hovering": with_p(0.5),
        "response": with_p(0.6),
        "greeting_rate": with_p(0.7),
        "smile_rate": with_p(0.8),
        "hovering_rate": with_p(0.9),
    }
    assert called(differences) == {"soi", "greeting"}


def test_an_untestable_figure_is_never_called():
    differences = {"soi": with_p(0.001), "greeting": Difference(50.0, 80.0, 1, 1)}
    result = family_control(differences)
    assert result["soi"].direction == "fall"
    assert result["greeting"].direction == "unknown"


def test_a_rate_over_visits_uses_the_cluster_robust_variance():
    # before: 4 visits of 2 customers, (1, 2), (2, 2), (0, 2), (1, 2): 4 of 8 = 0.5; residuals
    # c - 0.5 m = 0, 1, -1, 0; robust variance 4/3 * 2 / 8^2 = 0.041667 (the floor of the
    # Agresti-Caffo share 5/10 is 0.25/8 = 0.03125, below it)
    sample = RateSample.of([(1, 2), (2, 2), (0, 2), (1, 2)])
    assert (sample.n_visits, sample.count, sample.n) == (4, 4, 8)
    assert sample.variance == pytest.approx(4 / 3 * 2 / 64)


def test_three_visits_whose_customers_agree_are_three_observations_not_thirty():
    # before: 3 visits of 10 customers, all greeted, none, all: 20 of 30. after: 30 of 30.
    # Customers as independent (the old test): pooled 50/60, SE = sqrt(0.8333 * 0.1667 * 2/30) =
    # 0.0962, z = 0.3333 / 0.0962 = 3.46, p = 0.0005: "a meaningful rise".
    # Over visits: before residuals 3.333, -6.667, 3.333, robust variance 3/2 * 66.67 / 900 =
    # 0.1111; after has no spread, so its floor, the Agresti-Caffo 31/32: 0.96875 * 0.03125 / 30 =
    # 0.001009. SE = sqrt(0.11212) = 0.3348, df = 0.11212^2 / (0.1111^2/2 + 0.001009^2/2) = 2.036,
    # t = 0.3333 / 0.3348 = 0.996: p = 0.42, the interval (t_{2.04} = 4.25) 33.3 +- 142 points.
    before = RateSample.of([(10, 10), (0, 10), (10, 10)])
    after = RateSample.of([(10, 10), (10, 10), (10, 10)])
    difference = difference_of_rates(before, after)
    assert (difference.before, difference.after) == pytest.approx((66.667, 100.0), abs=0.001)
    assert (difference.n_before, difference.n_after) == (3, 3)  # visits, never a count of customers
    assert difference.p_value == pytest.approx(0.42, abs=0.01)
    assert difference.low < 0 < difference.high
    assert not difference.meaningful


def test_a_rate_of_every_customer_on_both_sides_is_no_certainty_of_no_change_either():
    difference = difference_of_rates(RateSample.of([(2, 2), (3, 3)]), RateSample.of([(0, 2), (0, 3)]))
    # 100 % then 0 % over two visits each: the floors (6/7 * 1/7 / 5 on both sides) keep SE > 0
    assert difference.testable
    assert difference.low < difference.high


def test_a_rate_with_a_single_visit_on_a_side_cannot_tell():
    assert difference_of_rates(RateSample.of([(3, 10)]), RateSample.of([(5, 10), (6, 10)])).direction == "unknown"


def test_visits_a_week_for_eighty_percent_power_against_the_formula():
    # n per week with 10 / (sd * sqrt(2/n)) >= t_{0.975, 2n-2} + z_{0.8} (0.8416):
    # sd 18: n = 51 gives 10 / 3.5645 = 2.805 < 1.9840 + 0.8416 = 2.826; n = 52: 2.833 >= 2.825.
    assert visits_for_power(18.0) == 52
    # sd 10: n = 17: 10 / 3.430 = 2.915 >= 2.037 + 0.842 = 2.879; n = 16: 2.828 < 2.884
    assert visits_for_power(10.0) == 17
    assert visits_for_power(None) == visits_for_power(18.0)


def figures_with_interval(soi: float | None, low: float | None, high: float | None, n: int = 4):
    from reports.figures import Figures

    return Figures(
        n_visits=n,
        n_interactions=2 * n,
        soi=soi,
        band=None,
        ci_low=low,
        ci_high=high,
        greeting=None,
        smile=None,
        hovering=None,
        response=None,
        greeting_rate=None,
        smile_rate=None,
        hovering_rate=None,
        median_greeting_seconds=None,
        median_response_seconds=None,
    )


def test_a_band_is_uncertain_when_the_interval_reaches_across_a_limit():
    # limits 50 and 75 (rubric 1): 60 +- 12 reaches 72 < 75 and 48 < 50: uncertain; 62 +- 10 does not
    assert figures_with_interval(60.0, 48.0, 72.0).band_uncertain
    assert figures_with_interval(70.0, 65.0, 75.0).band_uncertain  # 75 is already oasis
    assert not figures_with_interval(62.0, 52.0, 72.0).band_uncertain
    assert figures_with_interval(62.0, None, None, n=1).band_uncertain  # one visit: no interval at all
    assert not figures_with_interval(None, None, None, n=0).band_uncertain
