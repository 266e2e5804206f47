"""Is a week-over-week change real, and is it good or bad news? From a store's figures of two weeks
and its visits' scores and counts (see `reports.significance`): scores by Welch's t on the visit
scores, rates by Welch's t over visits on their cluster-robust variances, and the report's calls
controlled as a family (the SOI first, then Holm on the dimensions and rates)."""

from __future__ import annotations

from dataclasses import dataclass

from observations import scoring

from .distributions import ALPHA
from .family import RECENT as RECENT_FIGURE
from .family import family_control
from .figures import Figures
from .power import visits_for_power
from .significance import (
    Difference,
    RateSample,
    Sample,
    difference_of_means,
    difference_of_rates,
    floored_variance,
)

RATES: tuple[str, ...] = ("greeting_rate", "smile_rate", "hovering_rate")
# The SOI's second comparison: the last RECENT_WEEKS weeks (this one included) against the
# EARLIER_WEEKS weeks before them. A week-on-week comparison sees a lasting change in one comparison
# only; this one sees it in every report for four weeks, over four times the visits. Both are the
# family's gate, by Holm (reports.family): under no change at most 5 % of reports carry any call.
RECENT = RECENT_FIGURE
RECENT_WEEKS = 4
EARLIER_WEEKS = 8
FIGURES: tuple[str, ...] = ("soi", *scoring.DIMENSIONS, *RATES)
# More hovering is worse; for every other figure more is better.
LOWER_IS_BETTER = frozenset({"hovering_rate"})


@dataclass(frozen=True)
class ChangeCall:
    figure: str
    difference: Difference

    @property
    def is_rate(self) -> bool:
        return self.figure in RATES

    @property
    def tone(self) -> str:
        """'good' or 'bad' news when the change is meaningful for the report as a family; 'steady'
        within normal variation; 'unknown' when there are too few visits to tell."""
        direction = self.difference.direction
        if direction in ("steady", "unknown"):
            return direction
        better = (direction == "rise") != (self.figure in LOWER_IS_BETTER)
        return "good" if better else "bad"


def change_calls(
    *,
    this: Figures,
    last: Figures,
    this_scores: dict[str, list],
    last_scores: dict[str, list],
    rule: str = "gate-holm",
    recent: tuple[Sample, Sample] | None = None,
) -> list[ChangeCall]:
    """Every figure that both weeks have, with the call on its change, decided for the report as
    a family (`family.family_control`; `rule` other than the product's only for the
    calibration benchmark). With `recent` (the SOI's visits of the EARLIER_WEEKS weeks and of the
    last RECENT_WEEKS weeks, `recent_samples`), also the SOI's change over the last four weeks
    (figure RECENT), when both sides have two visits or more."""
    present = [name for name in FIGURES if getattr(this, name) is not None and getattr(last, name) is not None]
    extra = {}
    if recent is not None and recent[0].variance is not None and recent[1].variance is not None:
        extra[RECENT] = difference_of_means(*recent)
    differences = report_differences(
        this_scores=this_scores, last_scores=last_scores, rule=rule, figures=present, extra=extra
    )
    calls = []
    for name in present:
        untestable = Difference(getattr(last, name), getattr(this, name), last.n_visits, this.n_visits)
        calls.append(ChangeCall(name, differences.get(name, untestable)))
    if RECENT in differences:
        calls.append(ChangeCall(RECENT, differences[RECENT]))
    return calls


def recent_samples(weeks: list[tuple[int, float, float]]) -> tuple[Sample, Sample] | None:
    """The SOI's visits of the EARLIER_WEEKS weeks and of the last RECENT_WEEKS weeks, from the
    rollups' (visits, SOI sum, sum of squares) of the RECENT_WEEKS + EARLIER_WEEKS weeks ending
    with the report's week, oldest first (None with fewer weeks)."""
    if len(weeks) < RECENT_WEEKS + EARLIER_WEEKS:
        return None
    weeks = weeks[-(RECENT_WEEKS + EARLIER_WEEKS) :]

    def pooled(part: list[tuple[int, float, float]]) -> Sample:
        return Sample.from_sums(
            sum(n for n, _t, _q in part), sum(t for _n, t, _q in part), sum(q for _n, _t, q in part)
        )

    return pooled(weeks[:EARLIER_WEEKS]), pooled(weeks[EARLIER_WEEKS:])


def report_differences(
    *,
    this_scores: dict[str, list],
    last_scores: dict[str, list],
    rule: str = "gate-holm",
    figures: tuple[str, ...] | list[str] = FIGURES,
    alpha: float = ALPHA,
    extra: dict[str, Difference] | None = None,
) -> dict[str, Difference]:
    """The changes of `figures` between two weeks of visits, `meaningful` decided for the report as
    a family at level `alpha`: what the report calls and what opens a plan for a fall is this one
    decision (plans at a stricter level: coaching.services.PLAN_ALPHA). `extra`: further
    differences of the family (the SOI's over the last four weeks)."""
    differences: dict[str, Difference] = {}
    for name in figures:
        if not last_scores.get(name) or not this_scores.get(name):
            continue
        if name in RATES:
            differences[name] = difference_of_rates(
                RateSample.of(last_scores.get(name, [])), RateSample.of(this_scores.get(name, []))
            )
        else:
            differences[name] = difference_of_means(
                Sample.of(last_scores.get(name, [])), Sample.of(this_scores.get(name, []))
            )
    differences.update(extra or {})
    return family_control(differences, rule=rule, alpha=alpha)


def visits_a_week_to_tell(this_scores: dict[str, list], last_scores: dict[str, list]) -> int:
    """How many visits a week would show a change of the SOI by `power.POWER_CHANGE` points
    in 8 of 10 cases, with the spread of the store's visits within each of the two weeks (pooled;
    the usual spread of a visit below four visits)."""
    weeks = [Sample.of(scores.get("soi", [])) for scores in (last_scores, this_scores)]
    df = sum(week.n - 1 for week in weeks if week.variance is not None)
    if df < 2:
        return visits_for_power(None)
    pooled = sum((week.n - 1) * week.variance for week in weeks if week.variance is not None) / df
    return visits_for_power(floored_variance(pooled) ** 0.5)
