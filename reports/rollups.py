"""Per store-week rollups: what the reports read instead of visits and interactions. Their arithmetic
is `reports.totals`, their PostgreSQL statements `reports.rollup_sql`.

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
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Sum

from observations.models import Interaction, RollupScope, Visit
from stores.models import Region, Store

from .models import RegionWeekRollup, StoreWeekRollup
from .rollup_sql import (
    DELETE_STORE_WEEK_PAIRS_SQL,
    REFRESH_STORE_SQL,
    REFRESH_STORE_WEEK_PAIRS_SQL,
    REFRESH_STORE_WEEKS_SQL,
    REGION_SQL,
    ROLLUP_SQL,
    SQL_PARAMS,
)
from .totals import (
    COUNTING_STATUSES,
    INTERACTION_VALUES,
    LIST_FIELDS,
    ROLLUP_FIELDS,
    SUM_FIELDS,
    VISIT_VALUES,
    Seconds,
    accumulate,
    merge_by_week_and_scope,
)


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
    sql = REFRESH_STORE_SQL if weeks is None else REFRESH_STORE_WEEKS_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, {**SQL_PARAMS, "store": store_id, "weeks": list(weeks or [])})
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
            params: dict[str, Any] = {**SQL_PARAMS, "stores": stores, "weeks": weeks}
            with connection.cursor() as cursor:
                cursor.execute(DELETE_STORE_WEEK_PAIRS_SQL, params)
                cursor.execute(REFRESH_STORE_WEEK_PAIRS_SQL, params)
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
        sql = REGION_SQL.replace(
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


def rebuild_all() -> int:
    """Recompute the rollups of every store and region; returns the number of store-weeks with visits."""
    if connection.vendor == "postgresql":
        return rebuild_all_in_database()
    return sum(rebuild_store(store_id) for store_id in Store.objects.order_by("pk").values_list("pk", flat=True))


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
            cursor.execute(ROLLUP_SQL, SQL_PARAMS)
            cursor.execute(REGION_SQL.replace("/* filter */", ""))
        return StoreWeekRollup.objects.values("store_id", "week_start").distinct().count()
