"""Visits needed for a precision target, against hand-computed cases (t values from the table)."""

from __future__ import annotations

import math

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


def test_without_any_history_the_default_spread_is_used():
    spread = needed.spread(Sample(), Sample(), Sample.of([55.0]))
    assert spread.sd == needed.DEFAULT_SPREAD
    assert spread.source == "default"


def test_a_region_without_history_falls_back_to_the_company():
    assert needed.spread(Sample(), Sample(), COMPANY).sd == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("sd", "visits"),
    [
        # t(5)/sqrt(6) = 2.571/2.449 = 1.050 > 1;  t(6)/sqrt(7) = 2.447/2.646 = 0.925 <= 1
        (10.0, 7),
        # t(10)/sqrt(11) = 0.672 > 0.667;  t(11)/sqrt(12) = 2.201/3.464 = 0.635
        (15.0, 12),
        # t(14)/sqrt(15) = 0.554 > 0.550;  t(15)/sqrt(16) = 2.131/4 = 0.533
        (REGION_SHRUNK_SD, 16),
        # t(16)/sqrt(17) = 0.514 > 0.5;  t(17)/sqrt(18) = 2.110/4.243 = 0.497
        (20.0, 18),
        (0.0, 2),
    ],
)
def test_visits_for_a_half_width_of_ten_points(sd, visits):
    assert needed.visits_for_precision(sd, 10.0) == visits


def test_the_target_is_met_by_the_visits_needed_and_not_by_one_fewer():
    result = needed.visits_needed(sd=15.0, target_half_width=10.0, fixed_visits=None, min_visits=2, max_visits=20)
    assert (result.n, result.reason) == (12, "precision")
    assert result.expected_half_width == pytest.approx(2.201 * 15 / math.sqrt(12))
    assert needed.half_width(11, 15.0) > 10.0


def test_few_visits_needed_are_raised_to_the_waves_minimum():
    result = needed.visits_needed(sd=0.0, target_half_width=10.0, fixed_visits=None, min_visits=3, max_visits=8)
    assert (result.n, result.reason, result.would_need) == (3, "minimum", 2)


def test_more_visits_than_the_maximum_are_capped_and_say_how_many_the_target_needs():
    result = needed.visits_needed(sd=20.0, target_half_width=10.0, fixed_visits=None, min_visits=2, max_visits=12)
    assert (result.n, result.reason, result.would_need) == (12, "maximum", 18)
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
def test_visits_needed_is_the_smallest_count_that_meets_the_target(sd, target):
    n = needed.visits_for_precision(sd, target)
    assert needed.half_width(n, sd) <= target
    assert n == needed.MIN_FOR_INTERVAL or needed.half_width(n - 1, sd) > target
