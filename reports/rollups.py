"""Per store-week rollups: what the reports read instead of visits and interactions.

On PostgreSQL a new visit adds its share to its store-week's and region-week's rows in the
statement that stores it (`submission_rollups`). Every other change (a review, a correction, a
store moving region) recomputes the rollups from the stored visit and interaction rows of the
store-week, under a lock on the store row (FOR UPDATE: no visit of the store is stored meanwhile,
see `submission_rollups`), so two transactions touching the same store-week cannot write stale
aggregates over each other; the nightly rebuild recomputes every row. `refresh_store_week` is a plain function of ids so
that it can move into a Celery task later; `rebuild_store` recomputes every week of a store (the
`rebuild_rollups` command).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from itertools import repeat
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Sum

from observations import scoring
from observations.models import COUNTED_STATUSES, Interaction, RollupScope, Visit
from stores.models import Region, Store

from .models import RegionWeekRollup, StoreWeekRollup

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
    def of(cls, row: Mapping | StoreWeekRollup) -> Totals:
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


def _recompute(store_id: int, weeks: list[dt.date] | None) -> int:
    """Recompute the rollups of a store (only `weeks`, or all), holding the store row's lock.

    FOR UPDATE: a visit being stored holds a key-share lock on its store (the foreign key, and
    `submission_rollups` before it adds to the rollups) until it commits; this waits for it, and
    no visit of the store is stored until the recomputation commits. Recomputations run in
    workers, outside any submission, so the two never wait for each other in a circle.
    """
    Store.objects.select_for_update().filter(pk=store_id).values_list("pk").get()
    stale = StoreWeekRollup.objects.filter(store_id=store_id)
    if weeks is not None:
        stale = stale.filter(week_start__in=weeks)
    stale.delete()
    if connection.vendor == "postgresql":
        return _recompute_in_database(store_id, weeks)
    return _recompute_in_python(store_id, weeks)


def _recompute_in_python(store_id: int, weeks: list[dt.date] | None) -> int:
    visits = Visit.objects.filter(store_id=store_id, status__in=COUNTING_STATUSES)
    interactions = Interaction.objects.filter(visit__store_id=store_id, visit__status__in=COUNTING_STATUSES)
    if weeks is not None:
        visits = visits.filter(week_start__in=weeks)
        interactions = interactions.filter(visit__week_start__in=weeks)
    totals = accumulate(visits.values(*VISIT_VALUES), interactions.values(*INTERACTION_VALUES))
    StoreWeekRollup.objects.bulk_create(
        StoreWeekRollup(store_id=store_id, week_start=week, scope=scope, **week_totals.as_fields())
        for (week, scope), week_totals in sorted(totals.items())
    )
    return len({week for week, _scope in totals})


def _recompute_in_database(store_id: int, weeks: list[dt.date] | None) -> int:
    """The same figures as `_recompute_in_python`, grouped by PostgreSQL in one statement: no rows
    travel to Python, which makes a refresh after a submission a few milliseconds of database time."""
    sql = _REFRESH_STORE_SQL if weeks is None else _REFRESH_STORE_WEEKS_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_SQL_PARAMS, "store": store_id, "weeks": list(weeks or [])})
        return len({week for (week,) in cursor.fetchall()})


def refresh_store_week(store_id: int, week_start: dt.date) -> None:
    """Bring the rollups of one store-week, and of its region's week, in line with its stored
    visits (after a submission or review)."""
    refresh_store_weeks([(store_id, week_start)])


def refresh_store_weeks(store_weeks: Iterable[tuple[int, dt.date]]) -> None:
    """`refresh_store_week` for many store-weeks at once (the outbox's refreshes, claimed together):
    the stores are locked in order of id (two refreshes of overlapping stores wait, never deadlock),
    then on PostgreSQL one DELETE and one INSERT ... SELECT cover every week among the pairs of every
    store among them. Then each region-week touched follows (`_follow_in_region`), its region
    locked after the stores, regions in order of id."""
    pairs = sorted(set(store_weeks))
    if not pairs:
        return
    with transaction.atomic():
        stores = sorted({store_id for store_id, _week in pairs})
        weeks = sorted({week for _store, week in pairs})
        region_of = dict(
            Store.objects.select_for_update()  # FOR UPDATE: see `_recompute`
            .filter(pk__in=stores)
            .order_by("pk")
            .values_list("pk", "region_id")
        )
        before = _seconds_of(stores, weeks)
        if connection.vendor != "postgresql":
            by_store: dict[int, list[dt.date]] = {}
            for store_id, week in pairs:
                by_store.setdefault(store_id, []).append(week)
            for store_id, store_weeks_of_store in by_store.items():
                _recompute(store_id, store_weeks_of_store)
        else:
            params: dict[str, Any] = {**_SQL_PARAMS, "stores": stores, "weeks": weeks}
            with connection.cursor() as cursor:
                cursor.execute(_DELETE_STORE_WEEK_PAIRS_SQL, params)
                cursor.execute(_REFRESH_STORE_WEEK_PAIRS_SQL, params)
        after = _seconds_of(stores, weeks)
        changes: dict[tuple[int, dt.date], tuple[dict, dict]] = {}
        for changed, side in ((before, 0), (after, 1)):
            for (store_id, week, scope), seconds in changed.items():
                merged = changes.setdefault((region_of[store_id], week), ({}, {}))[side]
                if scope in merged:
                    merged[scope] = tuple(
                        Seconds(mine.counts + theirs.counts)
                        for mine, theirs in zip(merged[scope], seconds, strict=True)
                    )
                else:
                    merged[scope] = seconds
        for region_id, week in sorted({(region_of[store_id], week) for store_id in stores for week in weeks}):
            gone, come = changes.get((region_id, week), ({}, {}))
            _follow_in_region(region_id, week, gone, come)


def _seconds_of(stores: list[int], weeks: list[dt.date]) -> dict[tuple[int, dt.date, str], tuple[Seconds, Seconds]]:
    """The seconds (greeting, response) of the stores' rollups in the weeks, per store, week and scope."""
    rows = StoreWeekRollup.objects.filter(store_id__in=stores, week_start__in=weeks)
    return {
        (store_id, week, scope): (Seconds(greeting), Seconds(response))
        for store_id, week, scope, greeting, response in rows.values_list(
            "store_id", "week_start", "scope", "greeting_seconds", "response_seconds"
        )
    }


def _follow_in_region(
    region_id: int,
    week_start: dt.date,
    before: Mapping[str, tuple[Seconds, Seconds]],
    after: Mapping[str, tuple[Seconds, Seconds]],
) -> None:
    """Bring a region's week in line after one of its store-weeks changed from `before` to `after`,
    under the region row's lock. The sums are recomputed from the region's store-week rollups (the
    database adds a few thousand rows in milliseconds); the seconds counts, integers, move by the
    store-week's difference instead of being counted again from every store's list, which took
    100-150 ms at 3,000 stores a region. A count that would go negative (a region week that was
    never built) recomputes the region's week from scratch."""
    Region.objects.select_for_update(no_key=True).filter(pk=region_id).values_list("pk").first()
    # The region-week rows locked before the region's store-weeks are summed: a visit of another
    # store being stored meanwhile has added to them and committed (in the sums), or waits for
    # this to commit and then adds to what it wrote (not in the sums).
    stored = {
        row.scope: row
        for row in RegionWeekRollup.objects.select_for_update().filter(region_id=region_id, week_start=week_start)
    }
    sums = {
        row.pop("scope"): row
        for row in StoreWeekRollup.objects.filter(  # every scope: the covering (scope, week, store) index
            scope__in=RollupScope.values, week_start=week_start, store__region_id=region_id
        )
        .values("scope")
        .annotate(**{name: Sum(name) for name in SUM_FIELDS}, rubric_version_max=Max("rubric_version"))
        .order_by()
    }
    for scope in sorted(set(sums) | set(stored)):
        if scope not in sums:
            stored[scope].delete()
            continue
        row = stored.get(scope) or RegionWeekRollup(region_id=region_id, week_start=week_start, scope=scope)
        seconds = []
        for index, name in enumerate(LIST_FIELDS):
            counts = Seconds(row.greeting_seconds if name == "greeting_seconds" else row.response_seconds).counts
            if scope in after:
                counts.update(after[scope][index].counts)
            if scope in before:
                counts.subtract(before[scope][index].counts)
            seconds.append(counts)
        if any(count < 0 for counts in seconds for count in counts.values()):
            _recompute_region(region_id, [week_start])
            return
        values = sums[scope]
        for name in SUM_FIELDS:
            setattr(row, name, values[name] or 0)
        row.rubric_version = values["rubric_version_max"] or 0
        row.greeting_seconds, row.response_seconds = (Seconds(counts).as_counts() for counts in seconds)
        row.save()


def rebuild_store(store_id: int, *, region: bool = True) -> int:
    """Recompute every rollup of a store from scratch, and its region's (unless `region` is
    false: the caller rebuilds the region once after all its stores); returns the number of
    weeks with visits."""
    with transaction.atomic():
        weeks = _recompute(store_id, None)
        if region:
            _recompute_region(_region_of(store_id), None)
        return weeks


def rebuild_region(region_id: int) -> None:
    """Recompute every week of a region from its stores' rollups (after a store changed region)."""
    with transaction.atomic():
        _recompute_region(region_id, None)


def rebuild_all_regions() -> None:
    """Recompute every region's weeks from the store-week rollups as they stand."""
    with transaction.atomic():
        for region_id in Region.objects.order_by("pk").values_list("pk", flat=True):
            _recompute_region(region_id, None)


def _region_of(store_id: int) -> int:
    return Store.objects.values_list("region_id", flat=True).get(pk=store_id)


def _recompute_region(region_id: int, weeks: list[dt.date] | None) -> None:
    """Recompute a region's week rollups (only `weeks`, or all) from its store-week rollups,
    holding the region row's lock: two stores of a region refreshed at once each recompute it
    after the other's store-week is committed, never from a snapshot that misses it."""
    Region.objects.select_for_update(no_key=True).filter(pk=region_id).values_list("pk").first()
    stale = RegionWeekRollup.objects.filter(region_id=region_id)
    if weeks is not None:
        stale = stale.filter(week_start__in=weeks)
    stale.delete()
    if connection.vendor == "postgresql":
        sql = _REGION_SQL.replace(
            "/* filter */",
            "AND s.region_id = %(region)s" + ("" if weeks is None else " AND r.week_start = ANY(%(weeks)s)"),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"region": region_id, "weeks": list(weeks or [])})
        return
    rows = StoreWeekRollup.objects.filter(store__region_id=region_id)
    if weeks is not None:
        rows = rows.filter(week_start__in=weeks)
    RegionWeekRollup.objects.bulk_create(
        RegionWeekRollup(region_id=region_id, week_start=week, scope=scope, **totals.as_counted_fields())
        for (week, scope), totals in sorted(
            merge_by_week_and_scope(rows.values("week_start", "scope", *ROLLUP_FIELDS)).items()
        )
    )


def merge_by_week_and_scope(rows: Iterable[Mapping]) -> dict[tuple[dt.date, str], Totals]:
    """Rollup rows merged per (week, scope)."""
    merged: dict[tuple[dt.date, str], Totals] = {}
    for row in rows:
        merged.setdefault((row["week_start"], row["scope"]), Totals()).add(Totals.of(row))
    return merged


def rebuild_all() -> int:
    """Recompute the rollups of every store and region; returns the number of store-weeks with visits."""
    if connection.vendor == "postgresql":
        return rebuild_all_in_database()
    return sum(rebuild_store(store_id) for store_id in Store.objects.order_by("pk").values_list("pk", flat=True))


# On PostgreSQL a rollup is computed by one INSERT ... SELECT, for one store-week after a change
# as for the full rebuild: the database groups the rows far faster than Python can fetch them.
# Same figures as `accumulate` (tested); the seconds lists are stored unsorted (they only feed
# medians).
_ROLLUP_SQL = """
WITH v AS (
    SELECT visit.id, store_id, week_start, status, soi, greeting_score, smile_score, hovering_score, response_score,
           rubric.version AS rubric_version
    FROM observations_visit visit JOIN observations_rubric rubric ON rubric.id = visit.rubric_id
    WHERE status = ANY(%(counting)s) /* store filter */
), scoped AS (
    SELECT v.*, s.scope FROM v JOIN (SELECT unnest(%(scopes)s::text[]) AS scope, unnest(%(statuses)s::text[]) AS status) AS s
    ON s.status = v.status
), visit_sums AS (
    SELECT store_id, week_start, scope,
           count(soi) AS n_visits, coalesce(sum(soi), 0) AS soi_sum, coalesce(sum(soi * soi), 0) AS soi_sum_squares,
           coalesce(sum(greeting_score) FILTER (WHERE soi IS NOT NULL), 0) AS greeting_sum,
           count(greeting_score) FILTER (WHERE soi IS NOT NULL) AS greeting_n,
           coalesce(sum(smile_score) FILTER (WHERE soi IS NOT NULL), 0) AS smile_sum,
           count(smile_score) FILTER (WHERE soi IS NOT NULL) AS smile_n,
           coalesce(sum(hovering_score) FILTER (WHERE soi IS NOT NULL), 0) AS hovering_sum,
           count(hovering_score) FILTER (WHERE soi IS NOT NULL) AS hovering_n,
           coalesce(sum(response_score) FILTER (WHERE soi IS NOT NULL), 0) AS response_sum,
           count(response_score) FILTER (WHERE soi IS NOT NULL) AS response_n,
           coalesce(max(rubric_version) FILTER (WHERE soi IS NOT NULL), 0) AS rubric_version
    FROM scoped GROUP BY store_id, week_start, scope
), interaction_sums AS (
    SELECT scoped.store_id, scoped.week_start, scoped.scope, count(*) AS n_interactions,
           count(*) FILTER (WHERE i.greeted) AS n_greeted,
           count(*) FILTER (WHERE i.smile >= %(smiling)s) AS n_smiling,
           count(*) FILTER (WHERE i.followed OR i.unsolicited_approaches >= %(hovering)s) AS n_hovering,
           coalesce(array_agg(i.greeting_seconds) FILTER (WHERE i.greeted), '{}') AS greeting_seconds,
           coalesce(array_agg(i.response_seconds) FILTER (WHERE i.asked), '{}') AS response_seconds
    FROM observations_interaction i JOIN scoped ON scoped.id = i.visit_id
    GROUP BY scoped.store_id, scoped.week_start, scoped.scope
)
INSERT INTO reports_storeweekrollup (
    store_id, week_start, scope, n_visits, soi_sum, soi_sum_squares, greeting_sum, greeting_n, smile_sum, smile_n,
    hovering_sum, hovering_n, response_sum, response_n, n_interactions, n_greeted, n_smiling, n_hovering,
    greeting_seconds, response_seconds, rubric_version, updated_at
)
SELECT vs.store_id, vs.week_start, vs.scope, vs.n_visits, vs.soi_sum, vs.soi_sum_squares, vs.greeting_sum,
       vs.greeting_n, vs.smile_sum, vs.smile_n, vs.hovering_sum, vs.hovering_n, vs.response_sum, vs.response_n,
       coalesce(i.n_interactions, 0), coalesce(i.n_greeted, 0), coalesce(i.n_smiling, 0), coalesce(i.n_hovering, 0),
       to_jsonb(coalesce(i.greeting_seconds, '{}')), to_jsonb(coalesce(i.response_seconds, '{}')), vs.rubric_version,
       now()
FROM visit_sums vs LEFT JOIN interaction_sums i USING (store_id, week_start, scope)
"""


def _for_one_store(condition: str) -> str:
    return _ROLLUP_SQL.replace("/* store filter */", condition) + "RETURNING week_start"


_REFRESH_STORE_SQL = _for_one_store("AND store_id = %(store)s")
_REFRESH_STORE_WEEKS_SQL = _for_one_store("AND store_id = %(store)s AND week_start = ANY(%(weeks)s)")
# Every week of `weeks` of every store of `stores` (the cross product of the pairs' stores and
# weeks: a refresh of a store-week that did not ask for one is harmless, and in practice the pairs
# share one week). Both conditions are answered by the index on (store, week, status); matching the
# exact pairs instead (a row-valued IN over unnest) was planned as a nested loop of every counted
# visit of the week against every pair: 50-100 ms a batch once a week had thousands of visits.
_STORE_WEEK_PAIRS = "store_id = ANY(%(stores)s::bigint[]) AND week_start = ANY(%(weeks)s::date[])"
_DELETE_STORE_WEEK_PAIRS_SQL = "DELETE FROM reports_storeweekrollup WHERE " + _STORE_WEEK_PAIRS  # noqa: S608 (constants)
_REFRESH_STORE_WEEK_PAIRS_SQL = _ROLLUP_SQL.replace("/* store filter */", "AND " + _STORE_WEEK_PAIRS)
_SCOPE_STATUS = [(scope, status) for scope, statuses in COUNTED_STATUSES.items() for status in statuses]
_SQL_PARAMS = {
    "smiling": SMILING_FROM,
    "hovering": HOVERING_APPROACHES_FROM,
    # Which statuses count in which scope: the pairs of COUNTED_STATUSES, not a second copy in SQL.
    "counting": list(COUNTING_STATUSES),
    "scopes": [str(scope) for scope, _status in _SCOPE_STATUS],
    "statuses": [str(status) for _scope, status in _SCOPE_STATUS],
}


def rebuild_all_in_database() -> int:
    """The whole rebuild in one statement (PostgreSQL), holding every store's lock meanwhile so no
    refresh of a single store-week interleaves with it."""
    with transaction.atomic():
        list(Store.objects.select_for_update().values_list("pk", flat=True))  # FOR UPDATE: see `_recompute`
        StoreWeekRollup.objects.all().delete()
        list(Region.objects.select_for_update(no_key=True).values_list("pk", flat=True))
        RegionWeekRollup.objects.all().delete()
        with connection.cursor() as cursor:
            # Room to hash-aggregate two million interactions in memory rather than on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(_ROLLUP_SQL, _SQL_PARAMS)
            cursor.execute(_REGION_SQL.replace("/* filter */", ""))
        return StoreWeekRollup.objects.values("store_id", "week_start").distinct().count()


# A region's weeks from its stores' week rollups, as `merge_by_week_and_scope` merges them
# (tested): sums added, the latest rubric version, the seconds lists counted per value.
_REGION_SQL = """
WITH r AS (
    SELECT s.region_id, r.* FROM reports_storeweekrollup r JOIN stores_store s ON s.id = r.store_id
    WHERE true /* filter */
), sums AS (
    SELECT region_id, week_start, scope, sum(n_visits) AS n_visits, sum(soi_sum) AS soi_sum,
           sum(soi_sum_squares) AS soi_sum_squares, sum(greeting_sum) AS greeting_sum, sum(greeting_n) AS greeting_n,
           sum(smile_sum) AS smile_sum, sum(smile_n) AS smile_n, sum(hovering_sum) AS hovering_sum,
           sum(hovering_n) AS hovering_n, sum(response_sum) AS response_sum, sum(response_n) AS response_n,
           sum(n_interactions) AS n_interactions, sum(n_greeted) AS n_greeted, sum(n_smiling) AS n_smiling,
           sum(n_hovering) AS n_hovering, max(rubric_version) AS rubric_version
    FROM r GROUP BY region_id, week_start, scope
), greeting AS (
    SELECT region_id, week_start, scope, jsonb_object_agg(value, n) AS counts FROM (
        SELECT region_id, week_start, scope, e.value, count(*) AS n
        FROM r, jsonb_array_elements_text(r.greeting_seconds) AS e(value) GROUP BY 1, 2, 3, 4
    ) AS g GROUP BY 1, 2, 3
), response AS (
    SELECT region_id, week_start, scope, jsonb_object_agg(value, n) AS counts FROM (
        SELECT region_id, week_start, scope, e.value, count(*) AS n
        FROM r, jsonb_array_elements_text(r.response_seconds) AS e(value) GROUP BY 1, 2, 3, 4
    ) AS g GROUP BY 1, 2, 3
)
INSERT INTO reports_regionweekrollup (
    region_id, week_start, scope, n_visits, soi_sum, soi_sum_squares, greeting_sum, greeting_n, smile_sum, smile_n,
    hovering_sum, hovering_n, response_sum, response_n, n_interactions, n_greeted, n_smiling, n_hovering,
    greeting_seconds, response_seconds, rubric_version, updated_at
)
SELECT sums.region_id, sums.week_start, sums.scope, n_visits, soi_sum, soi_sum_squares, greeting_sum, greeting_n,
       smile_sum, smile_n, hovering_sum, hovering_n, response_sum, response_n, n_interactions, n_greeted, n_smiling,
       n_hovering, coalesce(greeting.counts, '{}'), coalesce(response.counts, '{}'), rubric_version, now()
FROM sums LEFT JOIN greeting USING (region_id, week_start, scope) LEFT JOIN response USING (region_id, week_start, scope)
"""
