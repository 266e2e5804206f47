"""Is a change real? Plain statistics on plain values, without Django.

The reports call a rise or a fall only when it is statistically meaningful (DESIGN.md, "Changes are
called only when real"):

- scores (the SOI and the four dimensions) are means over visits, so two periods are compared with
  Welch's t-test on the visit scores; the change is meaningful when the 95% interval of the
  difference of the means excludes 0 (the same thing as a two-sided p below 0.05);
- rates (greeted, smiling, hovering) are proportions of interactions, compared with the two-sample
  test on proportions (pooled z); the 95% interval of the difference is Newcombe's hybrid score
  interval, which behaves with small counts and with rates of 0 or 100 %. A change of a rate is
  called meaningful when the test and the interval agree (they differ only at the very edge).

`effect` is the before/after comparison of an action plan, and says how many more visits after the
plan would make the observed difference clear, if it holds.

Student's t distribution is computed here (regularized incomplete beta function, as in Numerical
Recipes 6.4) rather than taken from SciPy: a few dozen lines against a large dependency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

LEVEL = 0.95
ALPHA = 1 - LEVEL
_Z975 = 1.959963984540054
# "How many more visits would tell" looks this far ahead; beyond it the answer is "many".
MAX_EXTRA_VISITS = 200


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


def t_quantile(df: float, level: float = LEVEL) -> float:
    """The t with P(|T| <= t) = level (the two-sided quantile: 2.306 for 8 df at 95%)."""
    alpha = 1.0 - level
    low, high = 0.0, 1.0
    while t_two_sided_p(high, df) > alpha:
        high *= 2.0
    for _step in range(100):
        middle = (low + high) / 2.0
        if t_two_sided_p(middle, df) > alpha:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2.0


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


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


def _welch(before: Sample, after: Sample) -> tuple[float, float | None]:
    """The standard error of the difference of means and Welch-Satterthwaite's degrees of freedom."""
    se_b, se_a = before.standard_error_squared, after.standard_error_squared
    se2 = se_b + se_a
    denominator = se_b * se_b / (before.n - 1) + se_a * se_a / (after.n - 1)
    if se2 == 0 or denominator == 0:  # no spread (or one too small for a float): the difference is exact
        return 0.0, None
    return math.sqrt(se2), se2 * se2 / denominator


def difference_of_means(before: Sample, after: Sample) -> Difference:
    """Welch's two-sample comparison of mean visit scores."""
    base = Difference(before.mean, after.mean, before.n, after.n)
    if before.variance is None or after.variance is None:
        return base
    delta = after.mean - before.mean
    se, df = _welch(before, after)
    if df is None:  # every visit on each side scored the same: the difference is exact
        return Difference(before.mean, after.mean, before.n, after.n, delta, delta, 0.0 if delta else 1.0, delta != 0)
    half_width = t_quantile(df) * se
    p_value = t_two_sided_p(delta / se, df)
    low, high = delta - half_width, delta + half_width
    return Difference(before.mean, after.mean, before.n, after.n, low, high, p_value, low > 0 or high < 0)


def wilson_interval(count: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion `count / n` (n >= 1)."""
    p = count / n
    z2 = _Z975 * _Z975
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half_width = _Z975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def difference_of_proportions(count_before: int, n_before: int, count_after: int, n_after: int) -> Difference:
    """Two rates in percent (`count / n * 100`), compared with the pooled two-proportion z-test;
    the interval (in percentage points) is Newcombe's hybrid score interval."""
    if not n_before or not n_after:
        return Difference(
            100.0 * count_before / n_before if n_before else None,
            100.0 * count_after / n_after if n_after else None,
            n_before,
            n_after,
        )
    p_b, p_a = count_before / n_before, count_after / n_after
    pooled = (count_before + count_after) / (n_before + n_after)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
    delta = p_a - p_b
    p_value = 1.0 if se == 0 else normal_two_sided_p(delta / se)
    low_b, high_b = wilson_interval(count_before, n_before)
    low_a, high_a = wilson_interval(count_after, n_after)
    low = delta - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = delta + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    meaningful = p_value < ALPHA and (low > 0 or high < 0)
    return Difference(100 * p_b, 100 * p_a, n_before, n_after, 100 * low, 100 * high, p_value, meaningful)


# --- The effect of an action plan ---------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """A focus behaviour before and after a plan: the difference, and, while it is not yet
    meaningful, how many more visits after the plan would make it so if the difference held
    (None: it would take more than `MAX_EXTRA_VISITS`, or the difference is nil)."""

    difference: Difference
    more_visits_needed: int | None


def more_visits_needed(before: Sample, after: Sample, *, limit: int = MAX_EXTRA_VISITS) -> int | None:
    """The fewest further visits after the plan whose 95% interval would exclude 0, assuming the
    means and spreads seen so far hold. 0 if the difference is already meaningful."""
    if before.variance is None or after.mean is None or before.mean is None:
        return None
    delta = after.mean - before.mean
    if delta == 0:
        return None
    # With one visit after, its spread is unknown: assume it spreads like the visits before.
    after_variance = after.variance if after.variance is not None else before.variance
    for extra in range(limit + 1):
        projected = Sample(after.n + extra, after.mean, after_variance)
        if projected.n < 2:
            continue
        if difference_of_means(before, projected).meaningful:
            return extra
    return None


def effect(before: Sample, after: Sample) -> Effect:
    difference = difference_of_means(before, after)
    needed = 0 if difference.meaningful else more_visits_needed(before, after)
    return Effect(difference, needed)
