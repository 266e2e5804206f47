"""The arithmetic of a rollup: the sums and counts of a store's or region's week (`Totals`), which
merge by addition, the seconds kept for the medians, and which visits count in which scope. Plain
values in and out; `reports.rollups` stores and refreshes them."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from itertools import repeat

from observations import scoring
from observations.models import COUNTED_STATUSES

from .models import PublishedStoreWeek, StoreWeekRollup

# The stored fields of a rollup that merge by addition.
SUM_FIELDS: tuple[str, ...] = (
    "n_visits",
    "soi_sum",
    "soi_sum_squares",
    *(f"{name}_{part}" for name in scoring.DIMENSIONS for part in ("sum", "n")),
    "n_interactions",
    "n_greeted",
    "n_smiling",
    "n_hovering",
)
LIST_FIELDS: tuple[str, ...] = ("greeting_seconds", "response_seconds")
# Merges by taking the larger: the latest rubric version among the visits (0: none).
MAX_FIELDS: tuple[str, ...] = ("rubric_version",)
ROLLUP_FIELDS: tuple[str, ...] = SUM_FIELDS + LIST_FIELDS + MAX_FIELDS

SMILING_FROM = 4  # smile rate: share of interactions with smile >= 4
HOVERING_APPROACHES_FROM = 2  # hovering rate: followed, or this many unsolicited approaches


def mean_soi(n_visits: int, soi_sum: float) -> float | None:
    """The SOI of a set of visits from their count and sum (every visit weighs the same)."""
    return soi_sum / n_visits if n_visits else None


class Seconds:
    """The stopwatch seconds of a set of interactions, as value -> how often: a store-week stores
    them as a list, a region-week as counts (a company's week has hundreds of thousands), and
    both merge by adding counts. Iterating gives every value, in order."""

    __slots__ = ("counts",)

    def __init__(self, values: Iterable[int] | Mapping = ()):
        self.counts: Counter[int] = Counter()
        if isinstance(values, Mapping):
            self.counts.update({int(value): int(count) for value, count in values.items()})
        else:
            self.counts.update(values)

    def append(self, value: int) -> None:
        self.counts[value] += 1

    def extend(self, other: Seconds | Iterable[int]) -> None:
        self.counts.update(other.counts if isinstance(other, Seconds) else other)

    def __iter__(self) -> Iterator[int]:
        for value in sorted(self.counts):
            yield from repeat(value, self.counts[value])

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Seconds):
            return +self.counts == +other.counts
        return NotImplemented

    def __repr__(self) -> str:
        return f"Seconds({dict(sorted(self.counts.items()))})"

    def median(self) -> float | None:
        return scoring.median_of_counts(self.counts)

    def as_counts(self) -> dict[str, int]:
        """For a JSON column: {"12": 3, ...}."""
        return {str(value): count for value, count in sorted(self.counts.items()) if count}


@dataclass
class Totals:
    """Mergeable sums over any set of visits: a store-week, a store over a period, a region, the company."""

    n_visits: int = 0
    soi_sum: float = 0.0
    soi_sum_squares: float = 0.0
    greeting_sum: float = 0.0
    greeting_n: int = 0
    smile_sum: float = 0.0
    smile_n: int = 0
    hovering_sum: float = 0.0
    hovering_n: int = 0
    response_sum: float = 0.0
    response_n: int = 0
    n_interactions: int = 0
    n_greeted: int = 0
    n_smiling: int = 0
    n_hovering: int = 0
    greeting_seconds: Seconds = field(default_factory=Seconds)
    response_seconds: Seconds = field(default_factory=Seconds)
    rubric_version: int = 0

    @classmethod
    def of(cls, row: Mapping | StoreWeekRollup | PublishedStoreWeek) -> Totals:
        get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
        values = {name: get(name) for name in ROLLUP_FIELDS}
        for name in LIST_FIELDS:
            values[name] = Seconds(values[name])
        return cls(**values)

    def add(self, other: Totals) -> Totals:
        for name in SUM_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in LIST_FIELDS:
            getattr(self, name).extend(getattr(other, name))
        for name in MAX_FIELDS:
            setattr(self, name, max(getattr(self, name), getattr(other, name)))
        return self

    def add_visit(self, visit: Mapping) -> None:
        """One counted visit's stored scores (`soi`, `greeting_score`, ...). A visit always has
        an SOI (at least one interaction, and smile is always scored); one without would have
        nothing to add to the mean, so it is left out rather than counted as a visit."""
        soi = visit["soi"]
        if soi is None:
            return
        self.n_visits += 1
        self.rubric_version = max(self.rubric_version, visit["rubric__version"])
        self.soi_sum += soi
        self.soi_sum_squares += soi * soi
        for name in scoring.DIMENSIONS:
            score = visit[f"{name}_score"]
            if score is not None:
                setattr(self, f"{name}_sum", getattr(self, f"{name}_sum") + score)
                setattr(self, f"{name}_n", getattr(self, f"{name}_n") + 1)

    def add_interaction(self, interaction: Mapping) -> None:
        """One interaction's raw observations, for the rates and medians."""
        self.n_interactions += 1
        if interaction["greeted"]:
            self.n_greeted += 1
            self.greeting_seconds.append(interaction["greeting_seconds"])
        if interaction["smile"] >= SMILING_FROM:
            self.n_smiling += 1
        if interaction["followed"] or interaction["unsolicited_approaches"] >= HOVERING_APPROACHES_FROM:
            self.n_hovering += 1
        if interaction["asked"]:
            self.response_seconds.append(interaction["response_seconds"])

    def as_fields(self) -> dict:
        """For a store-week rollup: the seconds as sorted lists."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in LIST_FIELDS:
            values[name] = list(values[name])
        return values

    def as_counted_fields(self) -> dict:
        """For a region-week rollup: the seconds as counts."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in LIST_FIELDS:
            values[name] = values[name].as_counts()
        return values

    # Figures (unrounded); None where there is nothing to average.
    @property
    def soi(self) -> float | None:
        return mean_soi(self.n_visits, self.soi_sum)

    def dimension(self, name: str) -> float | None:
        n = getattr(self, f"{name}_n")
        return getattr(self, f"{name}_sum") / n if n else None

    def rate(self, count: int) -> float | None:
        return 100.0 * count / self.n_interactions if self.n_interactions else None

    def confidence_interval(self) -> tuple[float, float] | None:
        return scoring.confidence_interval_from_sums(self.n_visits, self.soi_sum, self.soi_sum_squares)

    def isclose(self, other: Totals) -> bool:
        """Equal up to floating point summation order (for checks against a recomputation)."""
        for name in SUM_FIELDS:
            mine, theirs = getattr(self, name), getattr(other, name)
            if not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-6):
                return False
        if any(getattr(self, name) != getattr(other, name) for name in MAX_FIELDS):
            return False
        return all(list(getattr(self, name)) == sorted(getattr(other, name)) for name in LIST_FIELDS)


VISIT_VALUES = (
    "pk",
    "week_start",
    "status",
    "rubric__version",
    "soi",
    *(f"{name}_score" for name in scoring.DIMENSIONS),
)
INTERACTION_VALUES = (
    "visit_id",
    "greeted",
    "greeting_seconds",
    "smile",
    "followed",
    "unsolicited_approaches",
    "asked",
    "response_seconds",
)


def scopes_of(status: str) -> tuple[str, ...]:
    """The rollup scopes a visit of this status counts in (`COUNTED_STATUSES`)."""
    return tuple(scope for scope, statuses in COUNTED_STATUSES.items() if status in statuses)


# Visits of these statuses count in some scope; others (rejected) in none.
COUNTING_STATUSES: tuple[str, ...] = tuple(dict.fromkeys(s for statuses in COUNTED_STATUSES.values() for s in statuses))


def accumulate(visits: Iterable[Mapping], interactions: Iterable[Mapping]) -> dict[tuple[dt.date, str], Totals]:
    """Totals per (week_start, scope) from visit rows (`VISIT_VALUES`) and their interactions'
    rows (`INTERACTION_VALUES`). Rejected visits and their interactions count nowhere."""
    totals: dict[tuple[dt.date, str], Totals] = {}
    keys_of_visit: dict = {}
    for visit in visits:
        keys = [(visit["week_start"], scope) for scope in scopes_of(visit["status"])]
        keys_of_visit[visit["pk"]] = keys
        for key in keys:
            totals.setdefault(key, Totals()).add_visit(visit)
    for interaction in interactions:
        for key in keys_of_visit.get(interaction["visit_id"], ()):
            totals[key].add_interaction(interaction)
    return totals


def merge_by_week_and_scope(rows: Iterable[Mapping]) -> dict[tuple[dt.date, str], Totals]:
    """Rollup rows merged per (week, scope)."""
    merged: dict[tuple[dt.date, str], Totals] = {}
    for row in rows:
        merged.setdefault((row["week_start"], row["scope"]), Totals()).add(Totals.of(row))
    return merged
