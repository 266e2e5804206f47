"""Rebuilding every rollup from the raw rows, against a raw SQL GROUP BY over the same rows, in the
same run. Median of --runs runs each.

    .venv/bin/python bench/rollup_rebuild.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

RAW_GROUP_BY = """
SELECT v.store_id, v.week_start, v.status = 'approved' AS approved, count(DISTINCT v.id), sum(v.soi),
       sum(v.soi * v.soi), sum(v.greeting_score), sum(v.smile_score), sum(v.hovering_score), sum(v.response_score),
       count(*), sum(CASE WHEN it.greeted THEN 1 ELSE 0 END), sum(CASE WHEN it.smile >= 4 THEN 1 ELSE 0 END),
       sum(CASE WHEN it.followed OR it.unsolicited_approaches >= 2 THEN 1 ELSE 0 END),
       array_agg(it.greeting_seconds) FILTER (WHERE it.greeting_seconds IS NOT NULL),
       array_agg(it.response_seconds) FILTER (WHERE it.response_seconds IS NOT NULL)
FROM observations_visit v JOIN observations_interaction it ON it.visit_id = v.id
WHERE v.status <> 'rejected'
GROUP BY v.store_id, v.week_start, v.status = 'approved'
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.django_setup()
    from django.db import connection

    from reports.models import StoreWeekRollup
    from reports.rollups import rebuild_all

    def rebuild():
        return rebuild_all()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("SET work_mem = '256MB'")  # the same memory the rebuild gives itself
            cursor.execute(RAW_GROUP_BY)
            return len(cursor.fetchall())

    results = {"rollup_rows_before": StoreWeekRollup.objects.count()}
    for name, fn in [("rebuild", rebuild), ("raw_group_by", raw)]:
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        results[name] = {"median_s": round(common.median(samples), 2), "runs_s": [round(s, 2) for s in samples]}
    results["rollup_rows_after"] = StoreWeekRollup.objects.count()
    results["rebuild_vs_raw"] = round(results["rebuild"]["median_s"] / results["raw_group_by"]["median_s"], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
