"""Where a store stands against its wave's target: plain numbers in, plain numbers out.

`done` are the store's counted visits during the wave, planned or not, by shoppers or supervisors.
The current precision is the half-width of the 95% t-interval of their SOIs (none below two). A
store is at risk of missing the target when any of these holds (each one a reason):

- "short":      done + assigned visits still to come < visits needed
- "overdue":    an assignment's window passed without a visit
- "unassigned": an assignment has no shopper
- "imprecise":  precision target only: the half-width expected at the end is above the target;
                expected = half_width(max(needed, done + still to come), sd) with sd the done
                visits' spread shrunk towards the spread the plan assumed (planning.needed), or,
                once the wave is over, the current half-width (none counts as above).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import needed

RISKS = ("short", "overdue", "unassigned", "imprecise")


@dataclass(frozen=True)
class StoreCoverage:
    needed: int
    planned: int
    upcoming: int
    open: int
    overdue: int
    declined: int
    done: int
    mean_soi: float | None
    half_width: float | None
    target_half_width: float | None
    expected_half_width: float | None
    risks: tuple[str, ...]

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)


def store_coverage(
    *,
    visits_needed: int,
    target_half_width: float | None,
    planned_sd: float,
    done: needed.Sample,
    planned: int,
    upcoming: int,
    open_: int,
    overdue: int,
    declined: int,
    wave_over: bool,
) -> StoreCoverage:
    variance = done.variance
    current = needed.half_width(done.n, math.sqrt(variance)) if variance is not None else None
    expected = None
    risks = []
    if done.n + upcoming < visits_needed:
        risks.append("short")
    if overdue:
        risks.append("overdue")
    if open_:
        risks.append("unassigned")
    if target_half_width is not None:
        if wave_over:
            expected = current
        else:
            sd = math.sqrt(needed.shrunk_variance(done, planned_sd * planned_sd))
            expected = needed.half_width(max(visits_needed, done.n + upcoming), sd)
        if expected is None or expected > target_half_width:
            risks.append("imprecise")
    return StoreCoverage(
        needed=visits_needed,
        planned=planned,
        upcoming=upcoming,
        open=open_,
        overdue=overdue,
        declined=declined,
        done=done.n,
        mean_soi=done.mean,
        half_width=current,
        target_half_width=target_half_width,
        expected_half_width=expected,
        risks=tuple(risks),
    )
