"""Figures of a store, a region or the company over some weeks, from the store-week rollups,
and the league standings. Unrounded here: `Figures.as_dict` and the templates round."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Sum

from observations import scoring
from observations.models import Rubric, StoreWeekRollup, counting_scope

from .rollups import ROLLUP_FIELDS, Totals

# Below this many visits a store's figures are marked as resting on too few visits: fewer visits
# than the shrinkage adds, so its league position is mostly the company mean.
FEW_VISITS = scoring.SHRINKAGE_VISITS
# A dimension or rate is mentioned in "what changed" when it moved at least this many points.
NOTABLE_CHANGE = 5.0

SORT_KEYS: tuple[str, ...] = (
    "rank",
    "store",
    "name",
    "region",
    "soi",
    "shrunk_soi",
    "n_visits",
    "n_interactions",
    *scoring.DIMENSIONS,
    "greeting_rate",
    "smile_rate",
    "hovering_rate",
    "median_greeting_seconds",
    "median_response_seconds",
)

# The columns of a store row, in the order of the branch CSV and the API's `stores` objects.
FIGURE_KEYS: tuple[str, ...] = (
    "soi",
    "band",
    "n_visits",
    "n_interactions",
    "ci_low",
    "ci_high",
    *scoring.DIMENSIONS,
    "greeting_rate",
    "smile_rate",
    "hovering_rate",
    "median_greeting_seconds",
    "median_response_seconds",
)
STORE_ROW_KEYS: tuple[str, ...] = (
    "store",
    "name",
    "region",
    *FIGURE_KEYS[:6],
    "shrunk_soi",
    "rank",
    *FIGURE_KEYS[6:],
    "few_visits",
)


@dataclass(frozen=True)
class Figures:
    """The figures of one store, region or the company over a period (unrounded; None = no data)."""

    n_visits: int
    n_interactions: int
    soi: float | None
    band: str | None
    ci_low: float | None
    ci_high: float | None
    greeting: float | None
    smile: float | None
    hovering: float | None
    response: float | None
    greeting_rate: float | None
    smile_rate: float | None
    hovering_rate: float | None
    median_greeting_seconds: float | None
    median_response_seconds: float | None
    # (desert below, oasis from) of the rubric that banded it
    band_limits: tuple[float, float] = (scoring.DEFAULT_RUBRIC.desert_below_soi, scoring.DEFAULT_RUBRIC.oasis_min_soi)

    def dimension(self, name: str) -> float | None:
        return getattr(self, name)

    def as_dict(self) -> dict:
        """For JSON and CSV: numbers to one decimal."""
        return {
            key: (scoring.round1(value) if isinstance(value, float) else value)
            for key, value in ((key, getattr(self, key)) for key in FIGURE_KEYS)
        }


def figures_of(totals: Totals, rubrics: Rubrics) -> Figures:
    """The figures of `totals`, banded with the limits of the rubric its visits were scored with
    (the latest, where several), so that a new rubric never shifts a past week's band."""
    soi = totals.soi
    interval = totals.confidence_interval()
    rubric = rubrics.get(totals.rubric_version, scoring.DEFAULT_RUBRIC)
    return Figures(
        band_limits=(rubric.desert_below_soi, rubric.oasis_min_soi),
        n_visits=totals.n_visits,
        n_interactions=totals.n_interactions,
        soi=soi,
        band=scoring.band(soi, rubric),
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        **{name: totals.dimension(name) for name in scoring.DIMENSIONS},
        greeting_rate=totals.rate(totals.n_greeted),
        smile_rate=totals.rate(totals.n_smiling),
        hovering_rate=totals.rate(totals.n_hovering),
        median_greeting_seconds=scoring.median_or_none(totals.greeting_seconds),
        median_response_seconds=scoring.median_or_none(totals.response_seconds),
    )


def rollup_scope(approved_only: bool) -> str:
    return counting_scope(approved_only)


Rubrics = Mapping[int, scoring.RubricParams]


def rubric_in_force() -> scoring.RubricParams:
    """The rubric new visits are scored with (not the one to band past weeks: `rubrics_by_version`)."""
    rubric = Rubric.in_force()
    return rubric.params() if rubric else scoring.DEFAULT_RUBRIC


def rubrics_by_version() -> Rubrics:
    """Every rubric version's parameters (a handful of rows): one query."""
    return {rubric.version: rubric.params() for rubric in Rubric.objects.all()}


@dataclass(frozen=True)
class Standing:
    shrunk_soi: float | None
    rank: int | None


def standings(store_totals: Mapping[int, Totals], company_mean: float | None) -> tuple[dict[int, Standing], int]:
    """League positions by shrunk score, over every store with counted visits (competition
    ranking: equal scores share a rank). Returns the standings and the number of ranked stores."""
    shrunk = {
        store_id: scoring.shrunk_soi(totals.soi, totals.n_visits, company_mean)
        for store_id, totals in store_totals.items()
        if totals.n_visits
    }
    ordered = sorted(shrunk.values(), reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {store_id: Standing(value, first_position[value]) for store_id, value in shrunk.items()}, len(ordered)


def sum_rows(rows: Iterable[Mapping]) -> tuple[dict[int, Totals], dict[int, Totals], Totals]:
    """Totals per store, per region and for the company from rollup rows."""
    per_store: dict[int, Totals] = defaultdict(Totals)
    per_region: dict[int, Totals] = defaultdict(Totals)
    company = Totals()
    for row in rows:
        totals = Totals.of(row)  # `add` copies from it, never into it
        per_store[row["store_id"]].add(totals)
        per_region[row["store__region_id"]].add(totals)
        company.add(totals)
    return per_store, per_region, company


def rollup_rows(*, scope: str, weeks: list[dt.date]) -> list[dict]:
    """Every store's rollups in the weeks (company and region means need them all)."""
    return list(
        StoreWeekRollup.objects.filter(scope=scope, week_start__in=weeks).values(
            "store_id", "store__region_id", *ROLLUP_FIELDS
        )
    )


def mean_by_week_and_region(*, scope: str, weeks: list[dt.date]) -> tuple[dict, dict]:
    """SOI means per (week, region) and per week for the company, from one grouped query."""
    by_region: dict[tuple[dt.date, int], float] = {}
    sums: dict[dt.date, list[float]] = defaultdict(lambda: [0, 0.0])
    grouped = (
        StoreWeekRollup.objects.filter(scope=scope, week_start__in=weeks)
        .values("week_start", "store__region_id")
        .annotate(n=Sum("n_visits"), total=Sum("soi_sum"))
        .order_by()
    )
    for row in grouped:
        if row["n"]:
            by_region[(row["week_start"], row["store__region_id"])] = row["total"] / row["n"]
        sums[row["week_start"]][0] += row["n"]
        sums[row["week_start"]][1] += row["total"]
    company = {week: total / n for week, (n, total) in sums.items() if n}
    return by_region, company
