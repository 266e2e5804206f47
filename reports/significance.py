"""Is a change real? Plain statistics on plain values, without Django.

The reports call a rise or a fall only when it is statistically meaningful (docs/product.md,
"What the calls mean, and their error rates"):

- scores (the SOI and the four dimensions) are means over visits, so two periods are compared with
  Welch's t-test on the visit scores. A visit's score is never taken as known to better than
  `MIN_VISIT_SD` points: two identical visits on each side do not make a difference certain;
- rates (greeted, smiling, hovering) are shares of customers, but the customers of one visit share
  the shopper, the staff and the hour: they are not independent. A rate is the ratio of two sums over
  visits, and its variance is the cluster-robust (sandwich) variance over visits, never below the
  binomial variance of an Agresti-Caffo adjusted share (so that 0 % or 100 % is never certain); two
  periods are compared with Welch's t on the visits (`difference_of_rates`).

The report's calls as a family are in `reports.family`, the visits needed and the effect of an
action plan in `reports.power`, the distributions in `reports.distributions`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .distributions import t_quantile, t_two_sided_p

# A visit's score (0..100) is never taken as known to better than this standard deviation. Real
# stores' visits spread by 8 points or more even for supervisor walks of 10-24 customers (and by
# 12-18 for mystery-shopper visits); 5 points bites only when a sample is too small to show its
# spread, e.g. two identical visits on each side, which would otherwise make a change "certain".
MIN_VISIT_SD = 5.0


# --- Samples ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A sample of visit scores, summarised: how many, their mean and their variance (n - 1)."""

    n: int
    mean: float | None
    variance: float | None  # None below two values

    @classmethod
    def of(cls, values: Iterable[float | None]) -> Sample:
        """From the values; None (no score in that dimension) is left out."""
        present = [float(value) for value in values if value is not None]
        n = len(present)
        if not n:
            return cls(0, None, None)
        mean = math.fsum(present) / n
        variance = math.fsum((value - mean) ** 2 for value in present) / (n - 1) if n >= 2 else None
        return cls(n, mean, variance)

    @classmethod
    def from_sums(cls, n: int, total: float, total_squares: float) -> Sample:
        """From the count, sum and sum of squares (what the rollups keep for the SOI)."""
        if not n:
            return cls(0, None, None)
        mean = total / n
        variance = max(0.0, (total_squares - n * mean * mean) / (n - 1)) if n >= 2 else None
        return cls(n, mean, variance)

    @property
    def standard_error_squared(self) -> float | None:
        return None if self.variance is None else self.variance / self.n


# --- Differences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """`after - before`, with its 95% interval and whether the change is meaningful.

    `low`/`high`/`p_value` are None when a side has too few values to tell (scores: fewer than two
    visits; rates: no interactions); `meaningful` is then False."""

    before: float | None
    after: float | None
    n_before: int
    n_after: int
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    meaningful: bool = False

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def testable(self) -> bool:
        return self.low is not None

    @property
    def direction(self) -> str:
        """'rise' or 'fall' when meaningful, 'steady' within normal variation, 'unknown' when untestable."""
        if not self.testable:
            return "unknown"
        if not self.meaningful:
            return "steady"
        return "rise" if self.delta > 0 else "fall"


def welch(se2_before: float, n_before: int, se2_after: float, n_after: int) -> tuple[float, float]:
    """The standard error of a difference and Welch-Satterthwaite's degrees of freedom, from the
    squared standard errors of both sides (each positive: see MIN_VISIT_SD) and their sizes."""
    se2 = se2_before + se2_after
    denominator = se2_before * se2_before / (n_before - 1) + se2_after * se2_after / (n_after - 1)
    return math.sqrt(se2), se2 * se2 / denominator


def _tested(before: float, after: float, n_before: int, n_after: int, se: float, df: float, scale: float = 1.0):
    delta = after - before
    half_width = t_quantile(df) * se
    p_value = t_two_sided_p(delta / se, df)
    low, high = delta - half_width, delta + half_width
    return Difference(
        scale * before,
        scale * after,
        n_before,
        n_after,
        scale * low,
        scale * high,
        p_value,
        low > 0 or high < 0,
    )


def floored_variance(variance: float) -> float:
    """A visit scores' variance, never below MIN_VISIT_SD squared."""
    return max(variance, MIN_VISIT_SD * MIN_VISIT_SD)


def difference_of_means(before: Sample, after: Sample) -> Difference:
    """Welch's two-sample comparison of mean visit scores (each side's spread at least MIN_VISIT_SD)."""
    if before.variance is None or after.variance is None:
        return Difference(before.mean, after.mean, before.n, after.n)
    se, df = welch(
        floored_variance(before.variance) / before.n, before.n, floored_variance(after.variance) / after.n, after.n
    )
    return _tested(before.mean, after.mean, before.n, after.n, se, df)


@dataclass(frozen=True)
class RateSample:
    """A rate over visits: per visit, how many of its customers showed the behaviour and how many
    customers it observed. `variance` is the variance of the rate (a share, 0..1) over visits."""

    n_visits: int
    count: int
    n: int
    variance: float | None  # None below two visits

    @classmethod
    def of(cls, visits: Iterable[tuple[int, int]]) -> RateSample:
        """From (count, customers) per visit; visits without customers are left out."""
        present = [(count, n) for count, n in visits if n]
        n_visits = len(present)
        count = sum(count for count, _n in present)
        n = sum(n for _count, n in present)
        if n_visits < 2:
            return cls(n_visits, count, n, None)
        share = count / n
        # the cluster-robust (sandwich) variance of a ratio estimator, visits as clusters
        robust = n_visits / (n_visits - 1) * math.fsum((c - share * m) ** 2 for c, m in present) / (n * n)
        # never below the binomial variance of the Agresti-Caffo share: 0 % or 100 % is not certain
        adjusted = (count + 1) / (n + 2)
        return cls(n_visits, count, n, max(robust, adjusted * (1 - adjusted) / n))

    @property
    def rate(self) -> float | None:
        return self.count / self.n if self.n else None


def difference_of_rates(before: RateSample, after: RateSample) -> Difference:
    """Two rates in percent, compared with Welch's t over visits on their cluster-robust variances;
    the interval is in percentage points. Untestable below two visits with customers on a side."""
    if before.variance is None or after.variance is None:
        return Difference(
            None if before.rate is None else 100 * before.rate,
            None if after.rate is None else 100 * after.rate,
            before.n_visits,
            after.n_visits,
        )
    se, df = welch(before.variance, before.n_visits, after.variance, after.n_visits)
    # n_before/n_after are visits, the units the rate is tested over (a count of customers next to
    # the visits would tell a manager a supervisor's walk from a shopper's visit)
    return _tested(before.rate, after.rate, before.n_visits, after.n_visits, se, df, scale=100.0)
