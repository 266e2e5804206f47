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
  periods are compared with Welch's t on the visits (`difference_of_rates`);
- a report tests eight figures at once; tested each at 5 %, about a third of the reports of a store
  whose service never changed would carry some "good" or "bad news". The report is controlled as a
  family (`family_control`): the SOI is tested first at 5 %; only when its change is meaningful are
  the dimensions and rates tested, with Holm's step-down procedure at 5 %. At most about 1 report in
  20 of an unchanged store then carries any good or bad news (bench/calibration.py measures it).

`effect` is the before/after comparison of an action plan. `visits_for_power` says how many visits a
week would show a given change with 80 % power.

Student's t distribution is computed here (regularized incomplete beta function, as in Numerical
Recipes 6.4) rather than taken from SciPy: a few dozen lines against a large dependency.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

LEVEL = 0.95
ALPHA = 1 - LEVEL
# "How many more visits would tell" looks this far ahead; beyond it the answer is "many".
MAX_EXTRA_VISITS = 200
# A visit's score (0..100) is never taken as known to better than this standard deviation. Real
# stores' visits spread by 8 points or more even for supervisor walks of 10-24 customers (and by
# 12-18 for mystery-shopper visits); 5 points bites only when a sample is too small to show its
# spread, e.g. two identical visits on each side, which would otherwise make a change "certain".
MIN_VISIT_SD = 5.0
# The power and the change the "how many visits a week would tell" sentence is about.
POWER = 0.80
POWER_CHANGE = 10.0
# The visit spread of the SOI assumed when a store has too few visits to show its own (mystery
# shopper visits of 1-3 customers spread by about 18 points).
DEFAULT_VISIT_SD = 18.0


# --- Distributions ------------------------------------------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with `df` (any positive real) degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    return regularized_beta(df / 2.0, 0.5, df / (df + t * t))


def t_density(t: float, df: float) -> float:
    """The density of Student's t with `df` degrees of freedom."""
    log_front = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_front - (df + 1) / 2 * math.log1p(t * t / df))


def t_quantile(df: float, level: float = LEVEL) -> float:
    """The t with P(|T| <= t) = level (the two-sided quantile: 2.306 for 8 df at 95%).

    Newton's method on the two-sided tail (whose derivative is twice the density), started from
    the Cornish-Fisher expansion around the normal quantile and kept inside a bracket (bisection
    when a step would leave it): a few tail evaluations."""
    alpha = 1.0 - level
    z = _normal_quantile(1.0 - alpha / 2.0)
    t = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)
    low, high = 0.0, math.inf
    for _step in range(200):
        excess = t_two_sided_p(t, df) - alpha  # > 0: t is too small
        if excess > 0:
            low = t
        else:
            high = t
        candidate = t + excess / (2.0 * t_density(t, df))
        if not low < candidate < high:
            candidate = 2.0 * t if math.isinf(high) else (low + high) / 2.0
        if abs(candidate - t) < 1e-13 * max(1.0, t) or high - low < 1e-12:
            return candidate
        t = candidate
    return t


def regularized_gamma(a: float, x: float) -> float:
    """P(a, x), the regularized lower incomplete gamma function (Numerical Recipes 6.2: the series
    below a + 1, the continued fraction above)."""
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        denominator = a
        for _step in range(1000):
            denominator += 1.0
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return total * math.exp(log_front)
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return 1.0 - math.exp(log_front) * h


def chi_square_cdf(x: float, df: float) -> float:
    """P(X <= x) for a chi-square variable with `df` degrees of freedom."""
    return regularized_gamma(df / 2.0, x / 2.0)


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


def _welch(se2_before: float, n_before: int, se2_after: float, n_after: int) -> tuple[float, float]:
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
    se, df = _welch(
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
    se, df = _welch(before.variance, before.n_visits, after.variance, after.n_visits)
    # n_before/n_after are visits, the units the rate is tested over (a count of customers next to
    # the visits would tell a manager a supervisor's walk from a shopper's visit)
    return _tested(before.rate, after.rate, before.n_visits, after.n_visits, se, df, scale=100.0)


# --- A report's calls as a family -------------------------------------------------------------------


GATE = "soi"


def f_cdf(x: float, df1: float, df2: float) -> float:
    """P(F <= x) for Fisher's F with (df1, df2) degrees of freedom."""
    if x <= 0:
        return 0.0
    if math.isinf(x):
        return 1.0
    return regularized_beta(df1 / 2.0, df2 / 2.0, df1 * x / (df1 * x + df2))


def holm(p_values: dict[str, float], alpha: float = ALPHA) -> set[str]:
    """The names whose hypotheses Holm's step-down procedure rejects at family level `alpha`."""
    rejected = set()
    ordered = sorted(p_values.items(), key=lambda item: (item[1], item[0]))
    for index, (name, p_value) in enumerate(ordered):
        if p_value > alpha / (len(ordered) - index):
            break
        rejected.add(name)
    return rejected


def family_control(
    differences: dict[str, Difference], *, rule: str = "gate-holm", alpha: float = ALPHA
) -> dict[str, Difference]:
    """The report's differences with `meaningful` decided for the report as a family.

    "gate-holm" (the product's rule): the SOI at ALPHA; the other figures only when the SOI's
    change is meaningful, then by Holm at ALPHA. Under no change at all, a report carries a call
    only when the SOI is called: at most ALPHA of them. "holm": Holm over every figure. "none":
    each figure at ALPHA on its own (the old rule; for the calibration benchmark)."""
    tested = {name: d for name, d in differences.items() if d.testable}
    if rule == "none":
        called = {name for name, d in tested.items() if d.p_value <= alpha}
    elif rule == "holm":
        called = holm({name: d.p_value for name, d in tested.items()}, alpha)
    elif rule == "gate-holm":
        gate = tested.get(GATE)
        called = set()
        if gate is not None and gate.p_value <= alpha:
            called = {GATE} | holm({name: d.p_value for name, d in tested.items() if name != GATE}, alpha)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return {
        name: replace(difference, meaningful=difference.testable and name in called)
        for name, difference in differences.items()
    }


def visits_for_power(sd: float | None, change: float = POWER_CHANGE, power: float = POWER) -> int:
    """Visits a week (the same in both weeks) that show a change of `change` points between two
    weeks with probability `power`, by Welch's test at ALPHA, visits spreading by `sd` (at least
    MIN_VISIT_SD; DEFAULT_VISIT_SD when unknown). The power of the t-test is taken by the usual
    approximation P(Z > t_crit - change / se)."""
    sd = max(sd if sd is not None else DEFAULT_VISIT_SD, MIN_VISIT_SD)
    z_power = _normal_quantile(power)
    n = 2
    while True:
        se = sd * math.sqrt(2.0 / n)
        if change / se - t_quantile(2 * n - 2) >= z_power:
            return n
        n += 1


@functools.lru_cache(maxsize=64)
def _normal_quantile(p: float) -> float:
    """The standard normal quantile, by bisection of erfc (a handful of levels, remembered)."""
    low, high = -10.0, 10.0
    for _step in range(100):
        middle = (low + high) / 2
        if 0.5 * math.erfc(-middle / math.sqrt(2)) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


# --- The effect of an action plan ---------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """A focus behaviour before and after a plan: the difference, and, while it is not yet
    meaningful, how many more visits after the plan would make it so if the difference held
    (None: it would take more than `MAX_EXTRA_VISITS`, or the difference is nil)."""

    difference: Difference
    more_visits_needed: int | None


def more_visits_needed(before: Sample, after: Sample, *, limit: int = MAX_EXTRA_VISITS) -> int | None:
    """The fewest further visits after the plan that would show the difference seen so far with
    POWER (80 %) if it is real: the difference over its standard error reaches the t quantile plus
    the normal quantile of POWER (with the means and spreads seen so far; a difference only just
    clear would be missed every other time). 0 if the difference is already meaningful."""
    if before.variance is None or after.mean is None or before.mean is None:
        return None
    delta = abs(after.mean - before.mean)
    if delta == 0:
        return None
    # With one visit after, its spread is unknown: assume it spreads like the visits before.
    after_variance = floored_variance(after.variance if after.variance is not None else before.variance)
    before_se2 = floored_variance(before.variance) / before.n
    z_power = _normal_quantile(POWER)
    for extra in range(limit + 1):
        n = after.n + extra
        if n < 2:
            continue
        se, df = _welch(before_se2, before.n, after_variance / n, n)
        if delta / se >= t_quantile(df) + z_power:
            return extra
    return None


def effect(before: Sample, after: Sample) -> Effect:
    difference = difference_of_means(before, after)
    needed = 0 if difference.meaningful else more_visits_needed(before, after)
    return Effect(difference, needed)
