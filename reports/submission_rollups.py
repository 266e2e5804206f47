"""A new visit's share of its store-week's and region-week's rollups, added in the statement that
stores the visit (PostgreSQL, `observations.submission_sql`).

The sums, counts and seconds of the rollups merge by addition (`totals.Totals`), so a new visit
adds its own to the rows of its store-week and region-week (one upsert each) instead of a worker
recomputing the store-week from all its visits and the region-week from all its stores afterwards:
the figures are current when the visit commits, and a submission records no follow-up work for
them. Everything else still recomputes (`rollups.refresh_store_weeks`): reviews, corrections,
rescoring, a store moving region; and the nightly `rebuild_all_rollups` recomputes every row from
the visits, which repairs any drift (tests compare the added rows with a recomputation).

Locks, so that an addition and a recomputation never miss or double each other: the statement
takes a key-share lock on the store row before it touches a rollup row (and holds it to its
commit), and a recomputation locks its stores FOR UPDATE first, so the two exclude each other on
a store and always lock in the same order (store, store-week, region-week). A recomputation of a
region-week locks that row before it sums the region's store-weeks: an addition of another store
waits for it and adds to what it wrote.
"""

# The statement's text is built from constants (model tables and field names); every value is a
# parameter.
# ruff: noqa: S608

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

from django.db import connection

from observations import scoring
from observations.models import Interaction, Visit
from observations.submission_sql import Part
from stores.models import Store

from .models import RegionWeekRollup, StoreWeekRollup
from .totals import INTERACTION_VALUES, LIST_FIELDS, MAX_FIELDS, SUM_FIELDS, Totals, scopes_of

NAME = "rollup"


def _totals(visit: Visit, interactions: Sequence[Interaction]) -> Totals:
    """The visit's share, by the same rules as a recomputation (`totals.accumulate`)."""
    totals = Totals()
    totals.add_visit(
        {
            "soi": visit.soi,
            "rubric__version": visit.rubric.version,
            **{f"{name}_score": getattr(visit, f"{name}_score") for name in scoring.DIMENSIONS},
        }
    )
    for interaction in interactions:
        totals.add_interaction({name: getattr(interaction, name) for name in INTERACTION_VALUES if name != "visit_id"})
    return totals


def params(visit: Visit, interactions: Sequence[Interaction]) -> dict:
    totals = _totals(visit, interactions)
    values = {f"{NAME}_{name}": getattr(totals, name) for name in (*SUM_FIELDS, *MAX_FIELDS)}
    for name in LIST_FIELDS:
        seconds = getattr(totals, name)
        values[f"{NAME}_store_{name}"] = json.dumps(list(seconds))  # a store-week keeps the values
        values[f"{NAME}_region_{name}"] = json.dumps(seconds.as_counts())  # a region-week counts them
    values |= {
        f"{NAME}_store": visit.store_id,
        f"{NAME}_week": visit.week_start,
        f"{NAME}_scopes": list(scopes_of(visit.status)),
        f"{NAME}_at": visit.submitted_at,
    }
    return values


def _merged_counts(column: str) -> str:
    """A region-week's seconds counts ({"12": 3}) plus the visit's."""
    return (
        f"{column} = r.{column} || coalesce((SELECT jsonb_object_agg(e.key, coalesce((r.{column} ->> e.key)::int, 0)"
        f" + e.value::int) FROM jsonb_each_text(EXCLUDED.{column}) AS e), '{{}}'::jsonb)"
    )


@functools.cache
def ctes() -> list[str]:
    quote = connection.ops.quote_name
    store_week, region_week = (quote(model._meta.db_table) for model in (StoreWeekRollup, RegionWeekRollup))
    store_table = quote(Store._meta.db_table)
    sums = [quote(name) for name in (*SUM_FIELDS, *LIST_FIELDS, *MAX_FIELDS)]
    sum_values = ", ".join(f"%({NAME}_{name})s" for name in SUM_FIELDS)
    max_values = ", ".join(f"%({NAME}_{name})s" for name in MAX_FIELDS)
    added = [f"{name} = r.{name} + EXCLUDED.{name}" for name in SUM_FIELDS]
    larger = [f"{name} = greatest(r.{name}, EXCLUDED.{name})" for name in MAX_FIELDS]
    columns = f"{', '.join(sums)}, updated_at"

    def seconds(kind: str) -> str:
        return ", ".join(f"%({NAME}_{kind}_{name})s::jsonb" for name in LIST_FIELDS)

    return [
        # The store row's key-share lock first (`FOR KEY SHARE`), as the visit's foreign key takes
        # it anyway: a recomputation holding the store FOR UPDATE makes this wait before any rollup.
        f"{NAME}_store_week AS (INSERT INTO {store_week} AS r (store_id, week_start, scope, {columns})"
        f" SELECT s.id, %({NAME}_week)s, scope, {sum_values}, {seconds('store')}, {max_values}, %({NAME}_at)s"
        f" FROM {store_table} s, unnest(%({NAME}_scopes)s::text[]) AS scope WHERE s.id = %({NAME}_store)s"
        " FOR KEY SHARE OF s"
        " ON CONFLICT (store_id, week_start, scope) DO UPDATE SET "
        + ", ".join([*added, *(f"{name} = r.{name} || EXCLUDED.{name}" for name in LIST_FIELDS), *larger])
        + ", updated_at = EXCLUDED.updated_at RETURNING store_id, scope)",
        # After the store-week (it reads its rows): the same order of locks as a recomputation.
        f"{NAME}_region_week AS (INSERT INTO {region_week} AS r (region_id, week_start, scope, {columns})"
        f" SELECT s.region_id, %({NAME}_week)s, w.scope, {sum_values}, {seconds('region')}, {max_values},"
        f" %({NAME}_at)s FROM {NAME}_store_week w JOIN {store_table} s ON s.id = w.store_id"
        " ON CONFLICT (region_id, week_start, scope) DO UPDATE SET "
        + ", ".join([*added, *(_merged_counts(name) for name in LIST_FIELDS), *larger])
        + ", updated_at = EXCLUDED.updated_at)",
    ]


def part(replaces: str) -> Part:
    return Part(name=NAME, ctes=ctes, params=params, replaces=replaces)
