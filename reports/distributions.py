"""Student's t, Fisher's F, chi-square and the standard normal distribution, for the calls of
`reports.significance`, `reports.family` and `reports.power`.

Student's t distribution is computed here (regularized incomplete beta function, as in Numerical
Recipes 6.4) rather than taken from SciPy: a few dozen lines against a large dependency.
"""

from __future__ import annotations

import functools
import math

LEVEL = 0.95
ALPHA = 1 - LEVEL


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
    z = normal_quantile(1.0 - alpha / 2.0)
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


def f_cdf(x: float, df1: float, df2: float) -> float:
    """P(F <= x) for Fisher's F with (df1, df2) degrees of freedom."""
    if x <= 0:
        return 0.0
    if math.isinf(x):
        return 1.0
    return regularized_beta(df1 / 2.0, df2 / 2.0, df1 * x / (df1 * x + df2))


@functools.lru_cache(maxsize=64)
def normal_quantile(p: float) -> float:
    """The standard normal quantile, by bisection of erfc (a handful of levels, remembered)."""
    low, high = -10.0, 10.0
    for _step in range(100):
        middle = (low + high) / 2
        if 0.5 * math.erfc(-middle / math.sqrt(2)) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2
