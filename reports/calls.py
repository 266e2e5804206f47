"""Is a week-over-week change real, and is it good or bad news? From a store's figures of two weeks
and its visits' scores (see `reports.significance`): scores by Welch's t on the visit scores, rates
by the test on proportions of interactions."""

from __future__ import annotations

from dataclasses import dataclass

from observations import scoring

from .figures import Figures
from .significance import Difference, Sample, difference_of_means, difference_of_proportions

RATES: tuple[str, ...] = ("greeting_rate", "smile_rate", "hovering_rate")
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
        """'good' or 'bad' news when the change is meaningful; 'steady' within normal variation;
        'unknown' when there are too few visits to tell."""
        direction = self.difference.direction
        if direction in ("steady", "unknown"):
            return direction
        better = (direction == "rise") != (self.figure in LOWER_IS_BETTER)
        return "good" if better else "bad"


def _count(rate: float | None, n: int) -> int:
    # rates are 100 * count / n exactly, so rounding recovers the count
    return round((rate or 0.0) * n / 100.0)


def change_calls(
    *, this: Figures, last: Figures, this_scores: dict[str, list[float]], last_scores: dict[str, list[float]]
) -> list[ChangeCall]:
    """Every figure that both weeks have, with the call on its change."""
    calls = []
    for name in FIGURES:
        if getattr(this, name) is None or getattr(last, name) is None:
            continue
        if name in RATES:
            difference = difference_of_proportions(
                _count(getattr(last, name), last.n_interactions),
                last.n_interactions,
                _count(getattr(this, name), this.n_interactions),
                this.n_interactions,
            )
        else:
            difference = difference_of_means(Sample.of(last_scores.get(name, [])), Sample.of(this_scores.get(name, [])))
        calls.append(ChangeCall(name, difference))
    return calls
