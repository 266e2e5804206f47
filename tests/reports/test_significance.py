"""The significance calls and the before/after effect of a plan, computed by hand.

Scores: before = 40, 60, 50, 30, 70 (mean 50; squared deviations 100+100+0+400+400 = 1000, variance
1000/4 = 250). Shifting every visit by a constant keeps the variance, so against `before + c` the
standard error of the difference is sqrt(250/5 + 250/5) = 10 and Welch's degrees of freedom are
(50+50)^2 / (50^2/4 + 50^2/4) = 8, whose 97.5% t quantile is 2.306 (any t table): the 95% interval
of the difference is c ± 23.06.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from observations import scoring
from reports.distributions import t_quantile, t_two_sided_p
from reports.power import effect, more_visits_needed
from reports.significance import Sample, difference_of_means

BEFORE = [40, 60, 50, 30, 70]


def shifted(by: float) -> list[float]:
    return [value + by for value in BEFORE]


def test_a_sample_summarises_count_mean_and_variance():
    sample = Sample.of([*BEFORE, None])
    assert (sample.n, sample.mean, sample.variance) == (5, 50.0, 250.0)


def test_a_sample_from_sums_equals_the_sample_of_its_values():
    values = [12.5, 80.0, 64.25, 33.0]
    from_sums = Sample.from_sums(len(values), sum(values), sum(v * v for v in values))
    assert from_sums.n == 4
    assert from_sums.mean == pytest.approx(Sample.of(values).mean)
    assert from_sums.variance == pytest.approx(Sample.of(values).variance)


@pytest.mark.parametrize("df", range(1, 31))
def test_the_t_quantile_matches_the_printed_table(df):
    assert t_quantile(df) == pytest.approx(scoring.t_quantile_975(df), abs=0.0006)


def test_a_two_sided_p_value_of_t_matches_the_table():
    # t = 2.306 with 8 df is the 97.5% point: two-sided p = 0.05
    assert t_two_sided_p(2.306, 8) == pytest.approx(0.05, abs=0.0002)
    assert t_two_sided_p(0.0, 8) == pytest.approx(1.0)


def test_a_rise_of_two_points_over_five_visits_each_is_within_normal_variation():
    difference = difference_of_means(Sample.of(BEFORE), Sample.of(shifted(2)))
    assert difference.delta == pytest.approx(2.0)
    assert difference.low == pytest.approx(2 - 23.06, abs=0.01)
    assert difference.high == pytest.approx(2 + 23.06, abs=0.01)
    assert difference.p_value == pytest.approx(0.8465, abs=0.001)  # t = 2/10 = 0.2 with 8 df
    assert not difference.meaningful
    assert difference.direction == "steady"


def test_a_rise_of_thirty_points_over_five_visits_each_is_a_meaningful_rise():
    difference = difference_of_means(Sample.of(BEFORE), Sample.of(shifted(30)))
    assert difference.low == pytest.approx(30 - 23.06, abs=0.01)
    assert difference.high == pytest.approx(30 + 23.06, abs=0.01)
    assert difference.p_value == pytest.approx(0.0171, abs=0.0005)  # t = 3 with 8 df
    assert difference.meaningful
    assert difference.direction == "rise"


def test_a_fall_with_unequal_spreads_uses_welchs_degrees_of_freedom():
    # after = 10, 20, 15, 25, 30: mean 20, variance (100+0+25+25+100)/4 = 62.5.
    # SE^2 = 50 + 12.5 = 62.5; df = 62.5^2 / (50^2/4 + 12.5^2/4) = 3906.25 / 664.0625 = 5.882
    difference = difference_of_means(Sample.of(BEFORE), Sample.of([10, 20, 15, 25, 30]))
    se = math.sqrt(62.5)
    half_width = t_quantile(3906.25 / 664.0625) * se
    assert 2.447 < half_width / se < 2.571  # between the 6 and the 5 df quantiles
    assert difference.low == pytest.approx(-30 - half_width)
    assert difference.high == pytest.approx(-30 + half_width)
    assert difference.meaningful
    assert difference.direction == "fall"


def test_a_single_visit_on_either_side_cannot_tell():
    difference = difference_of_means(Sample.of([90]), Sample.of(BEFORE))
    assert not difference.testable
    assert not difference.meaningful
    assert difference.direction == "unknown"


def test_identical_visits_on_each_side_are_not_a_certain_change():
    # [80, 80] then [81, 81]: no spread seen, so each side's spread is taken as MIN_VISIT_SD = 5:
    # SE = sqrt(25/2 + 25/2) = 5, Welch's df = 25^2 / (12.5^2/1 + 12.5^2/1) = 2, t = 4.303:
    # the interval is 1 +- 21.5 and the p-value of t = 0.2 with 2 df is 0.86.
    difference = difference_of_means(Sample.of([80, 80]), Sample.of([81, 81]))
    assert difference.low == pytest.approx(1 - 21.515, abs=0.01)
    assert difference.high == pytest.approx(1 + 21.515, abs=0.01)
    assert difference.p_value == pytest.approx(0.860, abs=0.001)
    assert not difference.meaningful


def test_a_plans_effect_that_is_already_clear_needs_no_more_visits():
    result = effect(Sample.of(BEFORE), Sample.of(shifted(30)))
    assert result.difference.meaningful
    assert result.more_visits_needed == 0


def test_more_visits_are_counted_for_eighty_percent_power_not_for_a_bare_call():
    # after = before + 30 on 5 visits: SE 10, t = 3 with 8 df, p = 0.017: clear, but a difference of
    # 30 would be shown by 5 visits only about 55 % of the time. 80 % power needs 30 / SE to reach
    # t_{0.975, df} + z_{0.8} = t + 0.8416. With m more visits after (same spread):
    # SE^2 = 50 + 250/(5+m), df = SE^4 / (50^2/4 + (250/(5+m))^2/(4+m)).
    # m = 0: 30 / 10 = 3.000 < 2.306 + 0.842 = 3.148;
    # m = 1: SE^2 = 91.67, 30 / 9.574 = 3.133; df = 8403 / (625 + 347.2) = 8.64, t = 2.283: 3.133 >= 3.125.
    before, after = Sample.of(BEFORE), Sample.of(shifted(30))
    assert more_visits_needed(before, after) == 1
    assert effect(before, after).more_visits_needed == 0  # already meaningful


def test_a_difference_smaller_than_what_the_before_weeks_can_tell_needs_more_than_any_visits_after():
    # after = before + 20: even infinitely many visits after leave SE = sqrt(250/5) = 7.07 and
    # 20 / 7.07 = 2.83 < t + 0.84 (at least 1.96 + 0.84 = 2.80 at infinite df; 3.3 at the ~9 df here).
    before, after = Sample.of(BEFORE), Sample.of(shifted(20))
    result = effect(before, after)
    assert not result.difference.meaningful
    assert result.more_visits_needed is None


def test_a_plan_without_change_never_becomes_clear():
    assert effect(Sample.of(BEFORE), Sample.of(BEFORE)).more_visits_needed is None


def test_a_tiny_effect_is_beyond_the_horizon_of_more_visits():
    # before's own uncertainty (SE 7.07 with 5 visits) alone exceeds a 1-point difference
    assert effect(Sample.of(BEFORE), Sample.of(shifted(1))).more_visits_needed is None


@given(
    st.lists(st.floats(0, 100), min_size=2, max_size=12),
    st.lists(st.floats(0, 100), min_size=2, max_size=12),
)
def test_a_change_is_meaningful_exactly_when_its_interval_excludes_zero(before, after):
    difference = difference_of_means(Sample.of(before), Sample.of(after))
    assume(difference.low != difference.high)
    assert difference.meaningful == (difference.low > 0 or difference.high < 0)
    assert difference.meaningful == (difference.p_value < 0.05) or math.isclose(difference.p_value, 0.05, abs_tol=1e-6)
