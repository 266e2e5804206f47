"""Visits needed for a precision target, against hand-computed cases (t values from the table)."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning import needed
from planning.needed import Sample

# Company SOIs 40, 60, 80: variance 400 (sd 20). Region SOIs 60, 70: variance 50.
COMPANY = Sample.of([40.0, 60.0, 80.0])
REGION = Sample.of([60.0, 70.0])
# Region shrunk towards the company with K = 4: (1 * 50 + 4 * 400) / (1 + 4) = 330.
REGION_SHRUNK_SD = math.sqrt(330)


def test_sample_variance_divides_by_n_minus_one():
    assert Sample.of([70.0, 80.0, 90.0]).variance == pytest.approx(100.0)
    assert COMPANY.variance == pytest.approx(400.0)


def test_a_store_without_history_takes_its_regions_spread_shrunk_towards_the_company():
    spread = needed.spread(Sample(), REGION, COMPANY)
    assert spread.sd == pytest.approx(REGION_SHRUNK_SD)
    assert spread.source == "region"


def test_a_store_with_a_single_visit_has_no_spread_of_its_own():
    spread = needed.spread(Sample.of([75.0]), REGION, COMPANY)
    assert spread.sd == pytest.approx(REGION_SHRUNK_SD)
    assert (spread.store_n, spread.source) == (1, "region")


def test_a_store_with_three_visits_pools_its_variance_with_the_regions():
    # (2 * 100 + 4 * 330) / (2 + 4) = 253.33
    spread = needed.spread(Sample.of([70.0, 80.0, 90.0]), REGION, COMPANY)
    assert spread.sd == pytest.approx(math.sqrt(1520 / 6))
    assert spread.source == "store"


def test_the_regions_spread_is_the_spread_within_its_stores_not_between_them():
    # two stores: 50, 60 (variance 50) and 80, 90 (variance 50): within-store variance 50 on 2 df,
    # though the four visits together spread by 333.3 (the stores differ by 30 points)
    pooled = needed.pooled_within([Sample.of([50.0, 60.0]), Sample.of([80.0, 90.0]), Sample.of([70.0])])
    assert (pooled.variance, pooled.df, pooled.n) == (50.0, 2, 5)
    assert Sample.of([50.0, 60.0, 80.0, 90.0]).variance == pytest.approx(333.33, abs=0.01)


def test_without_any_history_the_default_spread_is_used():
    spread = needed.spread(Sample(), Sample(), Sample.of([55.0]))
    assert spread.sd == needed.DEFAULT_SPREAD
    assert spread.source == "default"


def test_a_region_without_history_falls_back_to_the_company():
    assert needed.spread(Sample(), Sample(), COMPANY).sd == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("sd", "visits", "assurance_before", "assurance_at"),
    [
        # P(chi2_{n-1} <= (n-1) * n * H^2 / (t_{n-1}^2 * sd^2)) first reaches 0.9 at n (Kupper-Hafner);
        # sd 10, n = 9: 8 * 9 * 100 / (2.306^2 * 100) = 13.54, P(chi2_8 <= 13.54) = 0.905;
        #        n = 8: 7 * 8 * 100 / (2.365^2 * 100) = 10.01, P(chi2_7 <= 10.01) = 0.812
        (10.0, 9, 0.812, 0.905),
        # sd 15, n = 16: 15 * 16 * 100 / (2.131^2 * 225) = 23.49, P(chi2_15 <= 23.49) = 0.926
        (15.0, 16, 0.879, 0.926),
        (20.0, 24, 0.866, 0.905),
    ],
)
def test_visits_for_a_half_width_of_ten_points_with_ninety_percent_assurance(
    sd, visits, assurance_before, assurance_at
):
    assert needed.visits_for_precision(sd, 10.0) == visits
    assert needed.assurance(visits - 1, sd, 10.0) == pytest.approx(assurance_before, abs=0.001)
    assert needed.assurance(visits, sd, 10.0) == pytest.approx(assurance_at, abs=0.001)


def test_no_spread_needs_the_two_visits_of_an_interval():
    assert needed.visits_for_precision(0.0, 10.0) == 2


def test_the_assurance_agrees_with_a_brute_force_simulation():
    # 20,000 waves of 16 and of 15 visits spreading by 15 (fixed seed): the share whose 95% interval
    # is within +-10 matches the chi-square assurance within simulation error (SE about 0.002).
    rng = random.Random(2126)
    for n in (15, 16):
        hits = 0
        for _ in range(20_000):
            visits = [rng.gauss(0.0, 15.0) for _ in range(n)]
            hits += needed.half_width(n, statistics.stdev(visits)) <= 10.0
        assert hits / 20_000 == pytest.approx(needed.assurance(n, 15.0, 10.0), abs=0.008)


def test_a_spread_resting_on_few_degrees_of_freedom_asks_for_more_visits():
    # the wave's variance over an estimate from 10 (4) degrees of freedom is F(n - 1, 10) (F(n - 1, 4))
    assert needed.visits_for_precision(15.0, 10.0, sd_df=10) == 22
    assert needed.visits_for_precision(15.0, 10.0, sd_df=4) == 36
    assert needed.visits_for_precision(15.0, 10.0, sd_df=10_000) == 16


def test_the_target_is_met_by_the_visits_needed_and_not_by_one_fewer():
    result = needed.visits_needed(sd=15.0, target_half_width=10.0, fixed_visits=None, min_visits=2, max_visits=20)
    assert (result.n, result.reason) == (16, "precision")
    assert result.expected_half_width == pytest.approx(2.131 * 15 / math.sqrt(16), abs=0.001)
    assert needed.assurance(15, 15.0, 10.0) < needed.ASSURANCE


def test_few_visits_needed_are_raised_to_the_waves_minimum():
    result = needed.visits_needed(sd=0.0, target_half_width=10.0, fixed_visits=None, min_visits=3, max_visits=8)
    assert (result.n, result.reason, result.would_need) == (3, "minimum", 2)


def test_more_visits_than_the_maximum_are_capped_and_say_how_many_the_target_needs():
    result = needed.visits_needed(sd=20.0, target_half_width=10.0, fixed_visits=None, min_visits=2, max_visits=12)
    assert (result.n, result.reason, result.would_need) == (12, "maximum", 24)
    assert result.expected_half_width == pytest.approx(2.201 * 20 / math.sqrt(12))


def test_a_fixed_count_ignores_the_spread_but_stays_within_min_and_max():
    result = needed.visits_needed(sd=20.0, target_half_width=None, fixed_visits=6, min_visits=2, max_visits=12)
    assert (result.n, result.reason) == (6, "fixed")
    capped = needed.visits_needed(sd=20.0, target_half_width=None, fixed_visits=30, min_visits=2, max_visits=12)
    assert capped.n == 12


def test_one_visit_has_no_interval():
    assert needed.half_width(1, 10.0) is None


@given(
    sd=st.floats(min_value=0, max_value=60),
    target=st.floats(min_value=1, max_value=30),
)
def test_visits_needed_is_the_smallest_count_that_meets_the_target_with_assurance(sd, target):
    n = needed.visits_for_precision(sd, target)
    assert needed.assurance(n, sd, target) >= needed.ASSURANCE
    assert n == needed.MIN_FOR_INTERVAL or needed.assurance(n - 1, sd, target) < needed.ASSURANCE
