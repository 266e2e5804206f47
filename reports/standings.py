"""The league's statistics of a week, estimated from the rollups once per week and scope and stored
(`WeekStandings`), never per request: how far a store's score is shrunk towards the company mean.

The league ranks a store by its shrunk score `(n * SOI + k * company mean) / (n + k)`, n its visits.
That is the posterior mean of the store's true SOI when true store means spread around the company
mean with variance tau^2 (between stores) and a visit's SOI spreads around its store's true mean with
variance sigma^2 (within a store): k = sigma^2 / tau^2, "the company mean counts as k visits". A
store whose visits spread little compared with how much stores differ keeps most of its own score
(small k); where stores hardly differ, a few visits say little about the store (large k).

Both variances are estimated by the method of moments (the one-way analysis of variance estimator,
which is DerSimonian and Laird's with weights n_i / sigma^2) over every store-week of the scope in the
SHRINKAGE_WEEKS weeks up to the week, a store-week being the unit a weekly score is about:

    N = sum n_i, I = store-weeks with a visit, ybar_i their mean SOI, ybar = sum n_i ybar_i / N
    sigma^2 = sum_i sum_j (y_ij - ybar_i)^2 / (N - I)                      (pooled within store-weeks)
    tau^2   = (sum_i n_i (ybar_i - ybar)^2 - (I - 1) sigma^2) / (N - sum n_i^2 / N)
    k       = sigma^2 / tau^2, within [MIN_SHRINKAGE, MAX_SHRINKAGE]

all from the rollups' visit counts, SOI sums and sums of squares (one aggregate query). With fewer
than MIN_STORE_WEEKS store-weeks or MIN_WITHIN_DF degrees of freedom within them the estimate is too
noisy to use and FALLBACK_SHRINKAGE applies; when the stores differ by no more than their visits'
spread explains (tau^2 <= 0), k is MAX_SHRINKAGE. One company per deployment: the estimate is the
company's (the league and its mean are company-wide). See docs/product.md, "Scoring".

With the constant, the week's rank intervals (`rank_intervals`): under the same model a store's true
SOI is normal around its shrunk score with variance sigma^2 / (n + k); RANK_DRAWS seeded draws of
every store's true SOI at once rank the stores each time, and a store's interval runs from the 2.5 %
to the 97.5 % point of its ranks. Every other store is as uncertain as the store itself, so the
interval is wider than one holding the others at their scores. Stored per store (`StoreWeekStanding`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from observations import scoring

from .models import RegionWeekRollup, StoreWeekRollup, StoreWeekStanding, WeekStandings
from .significance import MIN_VISIT_SD

# The weeks of store-weeks the constant of a week is estimated from: the week and the 11 before it (a
# quarter: enough store-weeks for a small company, recent enough to follow a change of the visit mix).
SHRINKAGE_WEEKS = 12
# Before there is an estimate, or when the data are too thin: the company mean counts as 3 visits.
FALLBACK_SHRINKAGE = float(scoring.SHRINKAGE_VISITS)
# Never below: one visit keeps at most 80 % of its own score (a single visit never stands unshrunk).
MIN_SHRINKAGE = 0.25
# Never above: a store of 12 visits (three weeks of four) still weighs half its own score.
MAX_SHRINKAGE = 12.0
# An estimate needs this many store-weeks and degrees of freedom within them: with fewer, tau^2's
# standard error is of the order of tau^2 itself.
MIN_STORE_WEEKS = 20
MIN_WITHIN_DF = 20
# Draws of every store's true SOI for the rank intervals: the 2.5 % and 97.5 % points of 2,000 draws
# move by less than a rank between seeds for all but the closest stores (10,000 stores: about 3 s of CPU).
RANK_DRAWS = 2000
RANK_CHUNK = 100
# The weeks the scheduled refresh looks at (the week in progress and those a late visit may change).
REFRESH_WEEKS = 13


@dataclass(frozen=True)
class Sums:
    """What the estimator needs of a set of store-weeks (each with at least one visit)."""

    store_weeks: int = 0  # I
    visits: int = 0  # N
    total: float = 0.0  # sum of every visit's SOI
    between_sum: float = 0.0  # sum_i n_i ybar_i^2 = sum_i total_i^2 / n_i
    within_sum: float = 0.0  # sum_i (sum of squares_i - total_i^2 / n_i)
    visits_squared: float = 0.0  # sum_i n_i^2

    @classmethod
    def of(cls, store_weeks: Iterable[tuple[int, float, float]]) -> Sums:
        """From (visits, SOI sum, SOI sum of squares) per store-week, as the rollups keep them."""
        sums = cls()
        for n, total, squares in store_weeks:
            if n <= 0:
                continue
            sums = Sums(
                sums.store_weeks + 1,
                sums.visits + n,
                sums.total + total,
                sums.between_sum + total * total / n,
                sums.within_sum + max(0.0, squares - total * total / n),
                sums.visits_squared + n * n,
            )
        return sums


@dataclass(frozen=True)
class Components:
    """The within-store-week and between-store-week variances (None where not estimable)."""

    store_weeks: int
    visits: int
    within: float | None
    between: float | None

    @classmethod
    def of(cls, sums: Sums) -> Components:
        within_df = sums.visits - sums.store_weeks
        if within_df < 1 or sums.store_weeks < 2:
            return cls(sums.store_weeks, sums.visits, None, None)
        within = sums.within_sum / within_df
        between_ss = sums.between_sum - sums.total * sums.total / sums.visits
        scale = sums.visits - sums.visits_squared / sums.visits
        between = (between_ss - (sums.store_weeks - 1) * within) / scale
        return cls(sums.store_weeks, sums.visits, within, between)

    @property
    def thin(self) -> bool:
        return (
            self.within is None or self.store_weeks < MIN_STORE_WEEKS or self.visits - self.store_weeks < MIN_WITHIN_DF
        )

    @property
    def shrinkage(self) -> float:
        """k = within / between within its bounds; FALLBACK_SHRINKAGE on thin data."""
        if self.thin or self.within is None or self.between is None:
            return FALLBACK_SHRINKAGE
        if self.between <= 0:
            return MAX_SHRINKAGE
        return min(MAX_SHRINKAGE, max(MIN_SHRINKAGE, self.within / self.between))


def rank_intervals(
    means: list[float], sds: list[float], *, draws: int = RANK_DRAWS, seed: int = 0
) -> list[tuple[int, int]]:
    """Per store, the 2.5 % and 97.5 % points of its rank (1 = highest) when every store's true
    score is drawn at once from a normal with its mean and standard deviation: `draws` seeded draws,
    each ranking every store (numpy, RANK_CHUNK draws at a time)."""
    size = len(means)
    if not size:
        return []
    centre = np.asarray(means, dtype=float)
    spread = np.asarray(sds, dtype=float)
    rng = np.random.default_rng(seed)
    ranks = np.empty((draws, size), dtype=np.int32)
    places = np.arange(1, size + 1, dtype=np.int32)
    for start in range(0, draws, RANK_CHUNK):
        count = min(RANK_CHUNK, draws - start)
        drawn = centre + spread * rng.standard_normal((count, size))
        order = np.argsort(-drawn, axis=1, kind="stable")
        np.put_along_axis(ranks[start : start + count], order, np.broadcast_to(places, (count, size)), axis=1)
    ranks.sort(axis=0)
    tail = math.floor(0.025 * draws)
    low, high = ranks[tail], ranks[draws - 1 - tail]
    return [(int(a), int(b)) for a, b in zip(low, high, strict=True)]


def store_rank_intervals(
    *, scope: str, week_start: dt.date, shrinkage: float, within: float | None
) -> dict[int, tuple[int, int]]:
    """Every ranked store's rank interval in the week, from its visits and SOI sum (one query)."""
    rows = list(
        StoreWeekRollup.objects.filter(scope=scope, week_start=week_start, n_visits__gt=0)
        .order_by("store_id")
        .values_list("store_id", "n_visits", "soi_sum")
    )
    if within is None or not rows:
        return {}
    visits = sum(n for _store, n, _total in rows)
    company_mean = math.fsum(total for _store, _n, total in rows) / visits
    variance = max(within, MIN_VISIT_SD * MIN_VISIT_SD)
    means = [scoring.shrunk_soi(total / n, n, company_mean, shrinkage) for _store, n, total in rows]
    sds = [math.sqrt(variance / (n + shrinkage)) for _store, n, _total in rows]
    seed = week_start.toordinal() * 2 + (scope == "approved")
    intervals = rank_intervals(means, sds, seed=seed)  # type: ignore[arg-type]
    return {store: interval for (store, _n, _total), interval in zip(rows, intervals, strict=True)}


def window(week_start: dt.date) -> list[dt.date]:
    return [week_start - dt.timedelta(weeks=i) for i in range(SHRINKAGE_WEEKS - 1, -1, -1)]


def sums_of(*, scope: str, week_start: dt.date) -> Sums:
    """The estimator's sums over the store-weeks of the window up to `week_start`: one query,
    computed by the database from the (scope, week) covering index."""
    rows = StoreWeekRollup.objects.filter(scope=scope, week_start__in=window(week_start), n_visits__gt=0).order_by()
    inner, params = rows.values("n_visits", "soi_sum", "soi_sum_squares").query.sql_with_params()
    sql = (
        "SELECT count(*), sum(n_visits), sum(soi_sum), "  # noqa: S608 (a compiled queryset; values are parameters)
        "sum(soi_sum * soi_sum / n_visits), "
        "sum(CASE WHEN soi_sum_squares - soi_sum * soi_sum / n_visits > 0 "
        "THEN soi_sum_squares - soi_sum * soi_sum / n_visits ELSE 0 END), "
        "sum(n_visits * n_visits) "
        f"FROM ({inner}) AS store_weeks"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, visits, total, between, within, squared = cursor.fetchone()
    if not count:
        return Sums()
    return Sums(int(count), int(visits), float(total), float(between), float(within), float(squared))


def refresh_week(*, scope: str, week_start: dt.date, seen: tuple[int, float] | None = None) -> WeekStandings:
    """Estimate and store the week's shrinkage constant and its stores' rank intervals; `seen` is
    the window's visits and SOI sum by the region rollups (`window_fingerprints`), by which the
    refresh knows a changed window."""
    components = Components.of(sums_of(scope=scope, week_start=week_start))
    if seen is None:
        seen = window_fingerprints(scope=scope, weeks=[week_start]).get(week_start, (0, 0.0))
    intervals = store_rank_intervals(
        scope=scope, week_start=week_start, shrinkage=components.shrinkage, within=components.within
    )
    with transaction.atomic():
        StoreWeekStanding.objects.filter(scope=scope, week_start=week_start).delete()
        StoreWeekStanding.objects.bulk_create(
            [
                StoreWeekStanding(store_id=store, scope=scope, week_start=week_start, rank_low=low, rank_high=high)
                for store, (low, high) in intervals.items()
            ],
            batch_size=2000,
        )
        standings = _save(scope, week_start, components, seen)
    return standings


def _save(scope: str, week_start: dt.date, components: Components, seen: tuple[int, float]) -> WeekStandings:
    standings, _created = WeekStandings.objects.update_or_create(
        scope=scope,
        week_start=week_start,
        defaults={
            "shrinkage": components.shrinkage,
            "estimated": not components.thin,
            "within_variance": components.within,
            "between_variance": components.between,
            "store_weeks": components.store_weeks,
            "visits": components.visits,
            "seen_visits": seen[0],
            "seen_soi_sum": seen[1],
            "computed_at": timezone.now(),
        },
    )
    return standings


def window_fingerprints(*, scope: str | None = None, weeks: list[dt.date]) -> dict:
    """Per week (per (scope, week) without `scope`): the visits and SOI sum of its window, from the
    region rollups (a handful of rows a week). A visit added, removed, approved or corrected changes
    them; unlike a time stamp, they cannot miss a transaction that committed after a refresh began."""
    if not weeks:
        return {}
    rows = RegionWeekRollup.objects.filter(
        week_start__gte=min(weeks) - dt.timedelta(weeks=SHRINKAGE_WEEKS - 1), week_start__lte=max(weeks)
    ).order_by()
    if scope is not None:
        rows = rows.filter(scope=scope)
    per_week: dict[tuple[str, dt.date], list] = {}
    for row_scope, week, n, total in rows.values_list("scope", "week_start", "n_visits", "soi_sum"):
        sums = per_week.setdefault((row_scope, week), [0, 0.0])
        sums[0] += n
        sums[1] += total
    found = {}
    for row_scope in {key[0] for key in per_week}:
        for week in weeks:
            parts = [per_week[(row_scope, w)] for w in window(week) if (row_scope, w) in per_week]
            if parts:
                found[(row_scope, week)] = (sum(p[0] for p in parts), math.fsum(p[1] for p in parts))
    if scope is not None:
        return {week: value for (_scope, week), value in found.items()}
    return found


def stale_weeks(*, now: dt.datetime | None = None, weeks: int = REFRESH_WEEKS) -> list[tuple[str, dt.date, tuple]]:
    """(scope, week, fingerprint) of the last `weeks` weeks whose standings are missing or were
    computed from other visits than their window holds now."""
    now = now or timezone.now()
    today = now.date()
    last = today - dt.timedelta(days=today.weekday())
    recent = [last - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    computed = {
        (row.scope, row.week_start): (row.seen_visits, row.seen_soi_sum)
        for row in WeekStandings.objects.filter(week_start__gte=recent[0], week_start__lte=last)
    }
    stale = []
    for (scope, week), seen in sorted(window_fingerprints(weeks=recent).items()):
        before = computed.get((scope, week))
        if before is None or before[0] != seen[0] or not math.isclose(before[1], seen[1], rel_tol=1e-12, abs_tol=1e-6):
            stale.append((scope, week, seen))
    return stale


def refresh_stale(*, now: dt.datetime | None = None, weeks: int = REFRESH_WEEKS) -> int:
    """Refresh every stale week of the last `weeks` (the beat's quarter-hourly job)."""
    stale = stale_weeks(now=now, weeks=weeks)
    for scope, week, seen in stale:
        refresh_week(scope=scope, week_start=week, seen=seen)
    return len(stale)


def shrinkage_sql(*, scope: str, week_start: dt.date) -> tuple[str, list]:
    """A scalar subquery: the shrinkage constant of the latest week up to `week_start` with an
    estimate, else FALLBACK_SHRINKAGE (the reports read it in their standing's one query)."""
    return (
        "COALESCE((SELECT shrinkage FROM reports_weekstandings "
        "WHERE scope = %s AND week_start <= %s ORDER BY week_start DESC LIMIT 1), "
        "CAST(%s AS double precision))",
        [scope, week_start, FALLBACK_SHRINKAGE],
    )


def shrinkage_of(*, scope: str, week_start: dt.date) -> float:
    """The constant `shrinkage_sql` reads, in Python (one query)."""
    found = (
        WeekStandings.objects.filter(scope=scope, week_start__lte=week_start)
        .order_by("-week_start")
        .values_list("shrinkage", flat=True)
        .first()
    )
    return FALLBACK_SHRINKAGE if found is None else found
