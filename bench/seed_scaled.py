"""A large company quickly: `seed_demo`'s stores and people for all N stores, its visit generator for
the first few (--seeded), and every other store given an SQL copy of one of those stores' visits
and interactions (new ids, same weeks, same scores), then the rollups rebuilt. The reports read
per store-week rollups, so their cost depends on the number of stores and weeks, not on how
varied the visits are; generating 400,000 visits in Python would take an hour on a busy machine.

    BENCH_DB=oasis_bench10x .venv/bin/python bench/seed_scaled.py --stores 10000 --weeks 12 --seeded 200
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BATCH = 500  # target stores per INSERT ... SELECT


def columns(cursor, table: str, without: set[str]) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", [table]
    )
    return [name for (name,) in cursor.fetchall() if name not in without]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stores", type=int, default=10000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seeded", type=int, default=200, help="stores whose visits seed_demo generates")
    args = parser.parse_args()
    started = time.monotonic()
    common.ensure_database()
    common.django_setup()
    from django.db import connection
    from django.utils import timezone

    from demo import visits as demo
    from demo.management.commands.seed_demo import Command
    from observations.models import Rubric, Visit
    from reports.rollups import rebuild_all

    seed = Command()
    stores = seed._stores(demo.demo_stores(args.stores))
    people = seed._people(stores, "oasis-demo")
    rubric, now = Rubric.in_force(), timezone.now()
    mondays = demo.week_starts(timezone.localdate(now), args.weeks)
    with_visits = set(Visit.objects.values_list("store_id", flat=True).distinct())
    for store in stores[: args.seeded]:
        if store.pk not in with_visits:
            seed._store_visits(store, mondays, people, rubric, now)
    generated = time.monotonic() - started
    sources = [store.pk for store in stores[: args.seeded]]
    targets = [store.pk for store in stores[args.seeded :] if store.pk not in with_visits]
    with connection.cursor() as cursor:
        visit_columns = columns(cursor, "observations_visit", {"id", "store_id"})
        interaction_columns = columns(cursor, "observations_interaction", {"id", "visit_id"})
        for first in range(0, len(targets), BATCH):
            pairs = [
                (target, sources[(first + n) % len(sources)]) for n, target in enumerate(targets[first : first + BATCH])
            ]
            mapping = "VALUES " + ", ".join(f"({t}, {s})" for t, s in pairs)
            v_cols = ", ".join(visit_columns)
            i_cols = ", ".join(interaction_columns)
            # A copy's id: the source visit's id hashed with the target store (stable, so reruns add nothing).
            cursor.execute(
                f"INSERT INTO observations_visit (id, store_id, {v_cols}) "  # noqa: S608 (column names from the catalog)
                f"SELECT md5(v.id::text || m.target)::uuid, m.target, {', '.join('v.' + c for c in visit_columns)} "
                f"FROM ({mapping}) AS m(target, source) JOIN observations_visit v ON v.store_id = m.source "
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute(
                f"INSERT INTO observations_interaction (visit_id, {i_cols}) "  # noqa: S608
                f"SELECT md5(v.id::text || m.target)::uuid, {', '.join('i.' + c for c in interaction_columns)} "
                f"FROM ({mapping}) AS m(target, source) JOIN observations_visit v ON v.store_id = m.source "
                "JOIN observations_interaction i ON i.visit_id = v.id ON CONFLICT DO NOTHING"
            )
            print(f"copied visits to {min(first + BATCH, len(targets))}/{len(targets)} stores", file=sys.stderr)
    copied = time.monotonic() - started - generated
    rebuild_all()  # on PostgreSQL one INSERT ... SELECT over all stores
    # What autovacuum leaves after a bulk load (statistics, and the visibility map that lets the
    # reports' covering index be read without the table): without it the planner takes a week of
    # 10,000 store rows for 10 and picks other plans than production's would.
    common.psql("VACUUM (ANALYZE)")
    print(
        json.dumps(
            {
                "stores": args.stores,
                "weeks": args.weeks,
                "stores_with_generated_visits": args.seeded,
                "visits": int(common.psql("SELECT count(*) FROM observations_visit")),
                "interactions": int(common.psql("SELECT count(*) FROM observations_interaction")),
                "seconds_generating": round(generated, 1),
                "seconds_copying": round(copied, 1),
                "seconds_total": round(time.monotonic() - started, 1),
                "vacuum_analyze": "VACUUM (ANALYZE) of the whole database after the seed",
            }
        )
    )


if __name__ == "__main__":
    main()
