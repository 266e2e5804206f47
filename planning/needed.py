"""How many visits a store needs for the wave's target: plain numbers in, plain numbers out.

The target is DESIGN.md's 95% t-interval of a store's SOI over its visits: with n visits whose SOIs
spread with standard deviation s, the interval's half-width is

    half_width(n, s) = t_{0.975, n-1} * s / sqrt(n)

and a store needs the smallest n >= 2 with half_width(n, s) <= H (the wave's target, default 10
points), then raised to the wave's minimum and capped at its maximum.

The spread s is not known before the visits happen; it is estimated from the store's counted
visits of recent weeks. A store with few visits tells little about its spread, so its variance is
shrunk towards its region's, and the region's towards the company's, as if the wider estimate were
PRIOR_DF more degrees of freedom of evidence (the usual pooled-variance / scaled-inverse-chi-square
prior):

    s2_company = sample variance of the company's visit SOIs   (DEFAULT_SPREAD**2 below 2 visits)
    s2_region  = ((n_r - 1) * var_r + K * s2_company) / (n_r - 1 + K)   (s2_company below 2 visits)
    s2_store   = ((n   - 1) * var   + K * s2_region ) / (n   - 1 + K)   (s2_region below 2 visits)
    s          = sqrt(s2_store)                                          K = PRIOR_DF = 4

A store without history, or with a single visit (no spread in one number), takes the region's
shrunk spread; a store with many visits is dominated by its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from observations.scoring import t_quantile_975

PRIOR_DF = 4
# The spread assumed when even the company has fewer than two visits: a plausible SOI sd.
DEFAULT_SPREAD = 20.0
MIN_FOR_INTERVAL = 2  # a t-interval needs two visits
Z_975 = 1.959963984540054


@dataclass(frozen=True)
class Sample:
    """Count, sum and sum of squares of some visit SOIs (what a database aggregate gives)."""

    n: int = 0
    total: float = 0.0
    total_squares: float = 0.0

    @classmethod
    def of(cls, values: list[float]) -> Sample:
        return cls(len(values), math.fsum(values), math.fsum(v * v for v in values))

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n - 1 in the denominator); None below two values."""
        if self.n < 2:
            return None
        mean = self.total / self.n
        return max(0.0, (self.total_squares - self.n * mean * mean) / (self.n - 1))


def shrunk_variance(sample: Sample, prior_variance: float, prior_df: int = PRIOR_DF) -> float:
    """The sample's variance pooled with `prior_variance` weighing as `prior_df` degrees of freedom."""
    variance = sample.variance
    if variance is None:
        return prior_variance
    df = sample.n - 1
    return (df * variance + prior_df * prior_variance) / (df + prior_df)


@dataclass(frozen=True)
class Spread:
    sd: float
    store_n: int
    region_n: int
    company_n: int

    @property
    def source(self) -> str:
        """Where the spread mostly comes from: "store", "region", "company" or "default"."""
        if self.store_n >= MIN_FOR_INTERVAL:
            return "store"
        if self.region_n >= MIN_FOR_INTERVAL:
            return "region"
        if self.company_n >= MIN_FOR_INTERVAL:
            return "company"
        return "default"


def spread(store: Sample, region: Sample, company: Sample) -> Spread:
    """The store's SOI standard deviation, shrunk towards region and company (see the module text)."""
    company_variance = company.variance if company.variance is not None else DEFAULT_SPREAD**2
    region_variance = shrunk_variance(region, company_variance)
    return Spread(
        sd=math.sqrt(shrunk_variance(store, region_variance)),
        store_n=store.n,
        region_n=region.n,
        company_n=company.n,
    )


def half_width(n: int, sd: float) -> float | None:
    """Half-width of the 95% t-interval of a mean of n values with standard deviation sd."""
    if n < MIN_FOR_INTERVAL:
        return None
    return t_quantile_975(n - 1) * sd / math.sqrt(n)


@dataclass(frozen=True)
class VisitsNeeded:
    n: int
    # "precision": the target needs exactly n; "minimum": the target needs fewer, raised to the
    # wave's minimum; "maximum": the target needs `would_need`, more than the wave's maximum;
    # "fixed": the wave asks for a fixed count.
    reason: str
    would_need: int
    expected_half_width: float | None


def visits_for_precision(sd: float, target_half_width: float) -> int:
    """The smallest n >= 2 whose t-interval half-width is at most the target."""
    if target_half_width <= 0:
        raise ValueError("the target half-width must be positive")
    # t > z, so no n at or below (z * sd / H)^2 can meet the target: start the search there.
    # t * sd / sqrt(n) falls as n grows, so the first n that meets the target is the smallest.
    n = max(MIN_FOR_INTERVAL, math.floor((Z_975 * sd / target_half_width) ** 2))
    while half_width(n, sd) > target_half_width:
        n += 1
    return n


def visits_needed(
    *,
    sd: float,
    target_half_width: float | None,
    fixed_visits: int | None,
    min_visits: int,
    max_visits: int,
) -> VisitsNeeded:
    """Visits a store needs for a precision target (or a fixed count), within min..max."""
    if min_visits < 1 or max_visits < min_visits:
        raise ValueError("need 1 <= min_visits <= max_visits")
    if fixed_visits is not None:
        n = min(max(fixed_visits, min_visits), max_visits)
        return VisitsNeeded(n, "fixed", fixed_visits, half_width(n, sd))
    if target_half_width is None:
        raise ValueError("either a target half-width or a fixed count is needed")
    wanted = visits_for_precision(sd, target_half_width)
    if wanted > max_visits:
        return VisitsNeeded(max_visits, "maximum", wanted, half_width(max_visits, sd))
    if wanted < min_visits:
        return VisitsNeeded(min_visits, "minimum", wanted, half_width(min_visits, sd))
    return VisitsNeeded(wanted, "precision", wanted, half_width(wanted, sd))
