"""The reference scoring of Service Oasis, as pure functions over plain values.

This module is the definition of every score the app shows (see docs/product.md, "Scoring"). It needs
no database: the rubric's parameters come in as a `RubricParams`, observations as
`InteractionValues`, and everything returned is a float in 0..100 or None where a dimension has
no score (nothing was asked).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

DIMENSIONS: tuple[str, ...] = ("greeting", "smile", "hovering", "response")

# League tables pull a store's SOI towards the company mean as if it had k extra visits scoring
# exactly the mean, so that one lucky visit does not top the table. k is estimated from the data
# per week (reports.standings: within- over between-store variance); this is the k used before
# there is an estimate, or when the data are too thin for one.
SHRINKAGE_VISITS = 3


@dataclass(frozen=True)
class RubricParams:
    """The tunable parts of the scoring; version 1's defaults are those of docs/product.md."""

    greeting_weight: float = 0.30
    smile_weight: float = 0.20
    hovering_weight: float = 0.20
    response_weight: float = 0.30
    greeting_target_seconds: int = 30
    greeting_zero_seconds: int = 90
    greeting_timeliness_share: float = 0.7
    response_target_seconds: int = 60
    response_zero_seconds: int = 180
    response_timeliness_share: float = 0.4
    follow_penalty: float = 50
    approach_penalty: float = 25
    oasis_min_soi: float = 75
    desert_below_soi: float = 50

    def weight(self, dimension: str) -> float:
        return getattr(self, f"{dimension}_weight")


DEFAULT_RUBRIC = RubricParams()


@dataclass(frozen=True)
class InteractionValues:
    greeted: bool
    greeting_seconds: int | None
    greeting_personal: bool
    smile: int
    unsolicited_approaches: int
    followed: bool
    asked: bool
    response_seconds: int | None
    response_quality: int | None


@dataclass(frozen=True)
class Scores:
    """Dimension scores and the SOI of one interaction, visit or period (None = no score)."""

    soi: float | None
    greeting: float | None
    smile: float | None
    hovering: float | None
    response: float | None

    def dimension(self, name: str) -> float | None:
        return getattr(self, name)

    def as_dict(self) -> dict[str, float | None]:
        return {"soi": self.soi, **{name: self.dimension(name) for name in DIMENSIONS}}


EMPTY_SCORES = Scores(soi=None, greeting=None, smile=None, hovering=None, response=None)


def timeliness(seconds: float, target: float, zero: float) -> float:
    """1 up to the target, 0 from `zero` on, linear in between."""
    if seconds <= target:
        return 1.0
    if seconds >= zero:
        return 0.0
    return (zero - seconds) / (zero - target)


def greeting_score(values: InteractionValues, rubric: RubricParams = DEFAULT_RUBRIC) -> float:
    if not values.greeted:
        return 0.0
    if values.greeting_seconds is None:
        raise ValueError("greeting_seconds is required when the customer was greeted")
    share = rubric.greeting_timeliness_share
    on_time = timeliness(values.greeting_seconds, rubric.greeting_target_seconds, rubric.greeting_zero_seconds)
    return 100 * (share * on_time + (1 - share) * float(values.greeting_personal))


def smile_score(values: InteractionValues, rubric: RubricParams = DEFAULT_RUBRIC) -> float:
    return 25.0 * (values.smile - 1)


def hovering_score(values: InteractionValues, rubric: RubricParams = DEFAULT_RUBRIC) -> float:
    penalty = rubric.follow_penalty * float(values.followed)
    penalty += rubric.approach_penalty * max(0, values.unsolicited_approaches - 1)
    return max(0.0, 100.0 - penalty)


def response_score(values: InteractionValues, rubric: RubricParams = DEFAULT_RUBRIC) -> float | None:
    if not values.asked:
        return None
    if values.response_seconds is None or values.response_quality is None:
        raise ValueError("response_seconds and response_quality are required when the customer asked")
    share = rubric.response_timeliness_share
    on_time = timeliness(values.response_seconds, rubric.response_target_seconds, rubric.response_zero_seconds)
    return 100 * (share * on_time + (1 - share) * (values.response_quality - 1) / 4)


def weighted_soi(dimension_scores: dict[str, float | None], rubric: RubricParams = DEFAULT_RUBRIC) -> float | None:
    """Weighted mean over the dimensions that have a score."""
    total = weights = 0.0
    for name in DIMENSIONS:
        score = dimension_scores[name]
        if score is None:
            continue
        weight = rubric.weight(name)
        total += weight * score
        weights += weight
    if weights == 0:
        return None
    # A mean of scores in 0..100 lies in 0..100; only rounding can push it an ulp outside (weights
    # 0.3/0.4/0.2/0.1 add up to 0.9999999999999999), where the database would refuse the visit.
    return min(100.0, max(0.0, total / weights))


def interaction_scores(values: InteractionValues, rubric: RubricParams = DEFAULT_RUBRIC) -> Scores:
    dims = {
        "greeting": greeting_score(values, rubric),
        "smile": smile_score(values, rubric),
        "hovering": hovering_score(values, rubric),
        "response": response_score(values, rubric),
    }
    return Scores(soi=weighted_soi(dims, rubric), **dims)


def mean_or_none(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    if not present:
        return None
    return math.fsum(present) / len(present)


def combine(parts: Sequence[Scores]) -> Scores:
    """The scores of a whole made of equally weighted parts.

    A visit from its interactions, a store-period from its visits: the SOI is the mean of the
    parts' SOIs, each dimension the mean of the parts that have a score in it.
    """
    return Scores(
        soi=mean_or_none(part.soi for part in parts),
        **{name: mean_or_none(part.dimension(name) for part in parts) for name in DIMENSIONS},
    )


def visit_scores(interactions: Sequence[InteractionValues], rubric: RubricParams = DEFAULT_RUBRIC) -> Scores:
    return combine([interaction_scores(values, rubric) for values in interactions])


def band(soi: float | None, rubric: RubricParams = DEFAULT_RUBRIC) -> str | None:
    """oasis from `oasis_min_soi` up, desert below `desert_below_soi`, steppe in between."""
    if soi is None:
        return None
    if soi >= rubric.oasis_min_soi:
        return "oasis"
    if soi < rubric.desert_below_soi:
        return "desert"
    return "steppe"


def shrunk_soi(
    soi: float | None, n_visits: int, company_mean: float | None, k: float = SHRINKAGE_VISITS
) -> float | None:
    """`(n * SOI + k * company_mean) / (n + k)`: few visits pull a store towards the company mean."""
    if soi is None or company_mean is None:
        return soi
    return (n_visits * soi + k * company_mean) / (n_visits + k)


# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z975 = 1.959963984540054


def t_quantile_975(df: int) -> float:
    """The 97.5% quantile of Student's t; a table up to 30 degrees of freedom, then the
    Cornish-Fisher expansion (within 1e-4 of the exact value from 30 on)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def confidence_interval(visit_sois: Sequence[float]) -> tuple[float, float] | None:
    """95% t-interval of the mean of the visit SOIs, clipped to 0..100; None below two visits."""
    n = len(visit_sois)
    if n < 2:
        return None
    mean = math.fsum(visit_sois) / n
    half_width = t_quantile_975(n - 1) * statistics.stdev(visit_sois) / math.sqrt(n)
    return max(0.0, mean - half_width), min(100.0, mean + half_width)


def confidence_interval_from_sums(n: int, total: float, total_squares: float) -> tuple[float, float] | None:
    """The same interval from the count, sum and sum of squares of the visit SOIs (rollups keep those)."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    half_width = t_quantile_975(n - 1) * math.sqrt(variance) / math.sqrt(n)
    return max(0.0, mean - half_width), min(100.0, mean + half_width)


def median_or_none(values: Iterable[float]) -> float | None:
    return median_of_counts(Counter(values))


def median_of_counts(counts: Mapping[float, int]) -> float | None:
    """The median of a multiset given as value -> how often (the middle value, or the mean of the
    two middle values): rollups keep seconds as such counts, so that a region's or the company's
    median merges without listing every interaction."""
    n = sum(counts.values())
    if not n:
        return None
    wanted = (n - 1) // 2, n // 2  # the positions of the middle value(s), 0-based
    found: list[float] = []
    seen = 0
    for value in sorted(value for value, count in counts.items() if count):
        seen += counts[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return float((found[0] + found[1]) / 2)


def round1(value: float | None) -> float | None:
    """Scores are shown to one decimal, half away from zero (62.25 -> 62.3, 12.35 -> 12.4,
    -0.25 -> -0.3): the one rounding rule of every output (API, CSV, pages, e-mails).

    Python's round() works on the binary float (62.25 is stored exactly and rounds to even, 62.2;
    12.35 is stored as 12.3499...). Here the value is first taken at nine decimals, which drops the
    float's representation noise (12.3499999999999996 -> 12.35) but no real digit of a score, and
    then rounded half away from zero."""
    if value is None:
        return None
    tenths = value * 10
    if abs(tenths) < _FAST_BELOW and abs(tenths - math.floor(tenths) - 0.5) > _NEAR_HALF:
        # Not near a half: the nearest tenth, the same float as below (an integer divided by 10
        # is correctly rounded, as is the float of a one-decimal string), at a fifth of the cost:
        # a branch page rounds 2,500 figures.
        return math.copysign(round(tenths) / 10, value)
    exact = Decimal(repr(value)).quantize(_NOISE, rounding=ROUND_HALF_EVEN)
    return float(exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


_NOISE = Decimal("1e-9")
# Within this many tenths of a half, the value goes the exact way above: dropping the noise moves a
# value by at most 5e-10 (5e-9 tenths), and value * 10 errs by far less than that below _FAST_BELOW.
_NEAR_HALF = 1e-6
_FAST_BELOW = 1e9
_ONE_DECIMAL = Decimal("0.1")
