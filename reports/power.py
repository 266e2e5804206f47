"""How many visits would tell: `visits_for_power` says how many visits a week would show a given
change with 80 % power; `effect` is the before/after comparison of an action plan, with the further
visits that would make it meaningful.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .distributions import normal_quantile, t_quantile
from .significance import MIN_VISIT_SD, Difference, Sample, difference_of_means, floored_variance, welch

# "How many more visits would tell" looks this far ahead; beyond it the answer is "many".
MAX_EXTRA_VISITS = 200
# The power and the change the "how many visits a week would tell" sentence is about.
POWER = 0.80
POWER_CHANGE = 10.0
# The visit spread of the SOI assumed when a store has too few visits to show its own (mystery
# shopper visits of 1-3 customers spread by about 18 points).
DEFAULT_VISIT_SD = 18.0


def visits_for_power(sd: float | None, change: float = POWER_CHANGE, power: float = POWER) -> int:
    """Visits a week (the same in both weeks) that show a change of `change` points between two
    weeks with probability `power`, by Welch's test at ALPHA, visits spreading by `sd` (at least
    MIN_VISIT_SD; DEFAULT_VISIT_SD when unknown). The power of the t-test is taken by the usual
    approximation P(Z > t_crit - change / se)."""
    sd = max(sd if sd is not None else DEFAULT_VISIT_SD, MIN_VISIT_SD)
    z_power = normal_quantile(power)
    n = 2
    while True:
        se = sd * math.sqrt(2.0 / n)
        if change / se - t_quantile(2 * n - 2) >= z_power:
            return n
        n += 1


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
    z_power = normal_quantile(POWER)
    for extra in range(limit + 1):
        n = after.n + extra
        if n < 2:
            continue
        se, df = welch(before_se2, before.n, after_variance / n, n)
        if delta / se >= t_quantile(df) + z_power:
            return extra
    return None


def effect(before: Sample, after: Sample) -> Effect:
    difference = difference_of_means(before, after)
    needed = 0 if difference.meaningful else more_visits_needed(before, after)
    return Effect(difference, needed)
