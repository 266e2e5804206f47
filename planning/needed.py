"""How many visits a store needs for the wave's target: plain numbers in, plain numbers out.

The target is docs/product.md's 95% t-interval of a store's SOI over its visits: with n visits whose SOIs
spread with sample standard deviation s, the interval's half-width is

    half_width(n, s) = t_{0.975, n-1} * s / sqrt(n)

s is itself random: with n visits from a store whose visits spread by sigma, half of the waves sized
so that the *expected* half-width meets the target H miss it. A store therefore gets the smallest
n >= 2 for which the target is met with ASSURANCE (90 %) probability (Kupper and Hafner's
tolerance-probability sample size, 1989): (n - 1) s^2 / sigma^2 is chi-square with n - 1 degrees of
freedom, so

    P(half_width(n, s) <= H) = P(chi2_{n-1} <= (n - 1) * n * H^2 / (t_{0.975, n-1}^2 * sigma^2))

and n is raised to the wave's minimum and capped at its maximum.

sigma is not known before the visits happen; it is estimated from the store's counted visits of
recent weeks of the visit type the wave plans (mystery-shopper visits: a supervisor's walk over 10-24
customers spreads far less than a shopper's visit of 1-3). A store with few visits tells little about
its spread, so its variance is shrunk towards its region's, and the region's towards the company's,
as if the wider estimate were PRIOR_DF more degrees of freedom of evidence (the usual pooled-variance
/ scaled-inverse-chi-square prior). The region's and the company's spread are *within-store*
spreads, pooled over their stores (`pooled_within`): the raw spread of all the region's visits would
add the differences between stores, which a store's own visits never show:

    s2_company = pooled within-store variance of the company   (DEFAULT_SPREAD**2 without any)
    s2_region  = (df_r * var_r + K * s2_company) / (df_r + K)  var_r pooled within the region's stores
    s2_store   = ((n - 1) * var + K * s2_region) / (n - 1 + K)  (s2_region below 2 visits)
    sigma      = sqrt(s2_store)                                 K = PRIOR_DF = 4

A store without history, or with a single visit (no spread in one number), takes the region's
shrunk spread; a store with many visits is dominated by its own. bench/calibration.py measures the
share of waves that reach their target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from observations.scoring import t_quantile_975
from reports.distributions import chi_square_cdf, f_cdf

PRIOR_DF = 4
# The spread assumed when even the company has fewer than two visits: a plausible SOI sd.
DEFAULT_SPREAD = 20.0
MIN_FOR_INTERVAL = 2  # a t-interval needs two visits
Z_975 = 1.959963984540054
# The share of waves that reach the target precision.
ASSURANCE = 0.90


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


@dataclass(frozen=True)
class Pooled:
    """The within-store spread of several stores: their variances pooled by degrees of freedom."""

    variance: float | None  # None without a store of two visits
    df: int
    n: int  # visits


NO_HISTORY = Pooled(None, 0, 0)


def pooled_within(samples: Iterable[Sample]) -> Pooled:
    """Sum over stores of (n_s - 1) * var_s, over the sum of (n_s - 1): the spread of visits
    within a store, without the differences between stores."""
    squares, df, n = 0.0, 0, 0
    for sample in samples:
        n += sample.n
        if sample.variance is not None:
            squares += (sample.n - 1) * sample.variance
            df += sample.n - 1
    return Pooled(squares / df if df else None, df, n)


def shrunk_variance(sample: Sample | Pooled, prior_variance: float, prior_df: int = PRIOR_DF) -> float:
    """The sample's variance pooled with `prior_variance` weighing as `prior_df` degrees of freedom."""
    variance = sample.variance
    if variance is None:
        return prior_variance
    df = sample.df if isinstance(sample, Pooled) else sample.n - 1
    return (df * variance + prior_df * prior_variance) / (df + prior_df)


@dataclass(frozen=True)
class Spread:
    sd: float
    store_n: int
    region_n: int
    company_n: int

    @property
    def df(self) -> int | None:
        """How many degrees of freedom of evidence the spread rests on: the store's own visits'
        and the PRIOR_DF its region's spread counts for (see `assurance`). None for DEFAULT_SPREAD,
        an assumption rather than an estimate, taken as the visits' spread."""
        if self.source == "default":
            return None
        return max(self.store_n - 1, 0) + PRIOR_DF

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


def spread(store: Sample, region: Pooled, company: Pooled) -> Spread:
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


def assurance(n: int, sd: float, target_half_width: float, sd_df: int | None = None) -> float:
    """The probability that n visits give a 95% interval within +-target: with `sd` the visits'
    true spread (chi-square), or, given `sd_df`, an estimate of it resting on `sd_df` degrees of
    freedom (then the wave's variance over the estimate is Fisher's F(n - 1, sd_df))."""
    if n < MIN_FOR_INTERVAL:
        return 0.0
    if sd <= 0:
        return 1.0
    t = t_quantile_975(n - 1)
    scale = t * t * sd * sd
    if scale == 0.0:  # a spread too small for a float
        return 1.0
    ratio = n * target_half_width**2 / scale
    if sd_df is None:
        return chi_square_cdf((n - 1) * ratio, n - 1)
    return f_cdf(ratio, n - 1, sd_df)


def visits_for_precision(
    sd: float, target_half_width: float, probability: float = ASSURANCE, sd_df: int | None = None
) -> int:
    """The smallest n >= 2 whose t-interval half-width is at most the target with `probability`
    (`sd_df`: see `assurance`)."""
    if target_half_width <= 0:
        raise ValueError("the target half-width must be positive")
    # The expected half-width exceeds t * sd / sqrt(n) > z * sd / sqrt(n) by little, and meeting the
    # target with probability >= 1/2 needs at least that: no n at or below (z * sd / H)^2 - 1 will
    # do, so the search starts there; the assurance grows with n, so the first n that meets it is
    # the smallest.
    n = max(MIN_FOR_INTERVAL, math.floor((Z_975 * sd / target_half_width) ** 2) - 1)
    while assurance(n, sd, target_half_width, sd_df) < probability:
        n += 1
    return n


def visits_needed(
    *,
    sd: float,
    target_half_width: float | None,
    fixed_visits: int | None,
    min_visits: int,
    max_visits: int,
    sd_df: int | None = None,
) -> VisitsNeeded:
    """Visits a store needs for a precision target with ASSURANCE (or a fixed count), within
    min..max; `sd_df`: the degrees of freedom the spread rests on (`Spread.df`)."""
    if min_visits < 1 or max_visits < min_visits:
        raise ValueError("need 1 <= min_visits <= max_visits")
    if fixed_visits is not None:
        n = min(max(fixed_visits, min_visits), max_visits)
        return VisitsNeeded(n, "fixed", fixed_visits, half_width(n, sd))
    if target_half_width is None:
        raise ValueError("either a target half-width or a fixed count is needed")
    wanted = visits_for_precision(sd, target_half_width, sd_df=sd_df)
    if wanted > max_visits:
        return VisitsNeeded(max_visits, "maximum", wanted, half_width(max_visits, sd))
    if wanted < min_visits:
        return VisitsNeeded(min_visits, "minimum", wanted, half_width(min_visits, sd))
    return VisitsNeeded(wanted, "precision", wanted, half_width(wanted, sd))
