"""Report latency at scale: the branch comparison over all stores (its first page of 100, ranks
and means company-wide) and one store's weekly report, server-side (Django test client, full
stack: URL routing, auth, report, JSON), with their SQL query counts and the wall time spent in
database calls, next to the lower bound timed in the same run: a raw SQL aggregate over the same
raw rows (visits and interactions) that a report without rollups would have to read.

    .venv/bin/python bench/reports_latency.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

RAW_BRANCH_SQL = """
WITH v AS (
    SELECT id, store_id, soi, greeting_score, smile_score, hovering_score, response_score
    FROM observations_visit WHERE week_start = %(week)s AND status <> 'rejected'
), i AS (
    SELECT v.store_id, count(*) AS n, sum(CASE WHEN it.greeted THEN 1 ELSE 0 END) AS greeted,
           sum(CASE WHEN it.smile >= 4 THEN 1 ELSE 0 END) AS smiling,
           sum(CASE WHEN it.followed OR it.unsolicited_approaches >= 2 THEN 1 ELSE 0 END) AS hovering,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY it.greeting_seconds) AS median_greeting,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY it.response_seconds) AS median_response
    FROM observations_interaction it JOIN v ON v.id = it.visit_id GROUP BY v.store_id
)
SELECT v.store_id, count(*), avg(v.soi), stddev_samp(v.soi), avg(v.greeting_score), avg(v.smile_score),
       avg(v.hovering_score), avg(v.response_score), max(i.n), max(i.greeted), max(i.smiling), max(i.hovering),
       max(i.median_greeting), max(i.median_response)
FROM v JOIN i ON i.store_id = v.store_id GROUP BY v.store_id
"""

RAW_STORE_SQL = """
SELECT v.week_start, count(DISTINCT v.id), avg(v.soi), stddev_samp(v.soi), avg(v.greeting_score), avg(v.smile_score),
       avg(v.hovering_score), avg(v.response_score), count(*),
       sum(CASE WHEN it.greeted THEN 1 ELSE 0 END), sum(CASE WHEN it.smile >= 4 THEN 1 ELSE 0 END),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY it.greeting_seconds),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY it.response_seconds)
FROM observations_visit v JOIN observations_interaction it ON it.visit_id = v.id
WHERE v.store_id = %(store)s AND v.week_start BETWEEN %(first)s AND %(week)s AND v.status <> 'rejected'
GROUP BY v.week_start
"""
# What else the store report shows, from the raw rows: its rank among all stores and the region's
# and company's figures of the week (RAW_BRANCH_SQL: every store's visits and interactions of the
# week), the region's and company's SOI in each of the 12 trend weeks, and the week's notes.
RAW_TREND_MEANS_SQL = """
SELECT v.week_start, s.region_id, count(*), avg(v.soi) FROM observations_visit v JOIN stores_store s ON s.id = v.store_id
WHERE v.week_start BETWEEN %(first)s AND %(week)s AND v.status <> 'rejected' GROUP BY v.week_start, ROLLUP (s.region_id)
"""
RAW_NOTES_SQL = """
SELECT v.notes, it.position, it.notes FROM observations_visit v LEFT JOIN observations_interaction it ON it.visit_id = v.id
WHERE v.store_id = %(store)s AND v.week_start = %(week)s AND v.status <> 'rejected' AND (v.notes <> '' OR it.notes <> '')
"""
# The narrower baseline of the first runs: the store's own 12 weeks and the week's region and
# company SOI only (no rank, no region or company rates, no region or company trend).
RAW_COMPANY_WEEK_SQL = """
SELECT s.region_id, count(*), avg(v.soi) FROM observations_visit v JOIN stores_store s ON s.id = v.store_id
WHERE v.week_start = %(week)s AND v.status <> 'rejected' GROUP BY ROLLUP (s.region_id)
"""


class DatabaseClock:
    """The wall time spent in database calls (send, execute, fetch) during a request."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def timed(fn, runs: int) -> tuple[list[float], list[float], object]:
    """Wall and database milliseconds of each run, and the last result."""
    from django.db import connection

    samples, db_samples, result = [], [], None
    for _ in range(runs):
        clock = DatabaseClock()
        with connection.execute_wrapper(clock):
            start = time.perf_counter()
            result = fn()
            samples.append((time.perf_counter() - start) * 1000)
        db_samples.append(clock.seconds * 1000)
    return samples, db_samples, result


def summary(samples: list[float], db_samples: list[float]) -> dict:
    return {
        "median_ms": round(common.median(samples), 2),
        "p95_ms": round(common.percentile(samples, 95), 2),
        "median_db_ms": round(common.median(db_samples), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    common.django_setup()
    import datetime as dt

    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.periods import last_complete_week, week_label
    from stores.models import Store, User

    head = User.objects.get(username="head")
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)
    week = last_complete_week()
    label = week_label(week)
    store = Store.objects.order_by("code").first()
    first = week - dt.timedelta(weeks=11)

    def branch():
        response = client.get("/api/v1/reports/branches/", {"week": label, "page": "1"})
        assert response.status_code == 200, response.content[:300]
        return response

    def store_report():
        response = client.get(f"/api/v1/reports/stores/{store.code}/weekly/", {"week": label})
        assert response.status_code == 200, response.content[:300]
        return response

    def raw_branch():
        with connection.cursor() as cursor:
            cursor.execute(RAW_BRANCH_SQL, {"week": week})
            return cursor.fetchall()

    def raw_store():
        params = {"store": store.pk, "first": first, "week": week}
        rows = []
        with connection.cursor() as cursor:
            for sql in (RAW_STORE_SQL, RAW_BRANCH_SQL, RAW_TREND_MEANS_SQL, RAW_NOTES_SQL):
                cursor.execute(sql, params)
                rows += cursor.fetchall()
        return rows

    def raw_store_own_rows_only():
        with connection.cursor() as cursor:
            cursor.execute(RAW_STORE_SQL, {"store": store.pk, "first": first, "week": week})
            rows = cursor.fetchall()
            cursor.execute(RAW_COMPANY_WEEK_SQL, {"week": week})
            return rows + cursor.fetchall()

    def cold(fn):
        def run():
            cache.clear()  # every request computes the report from the rollups
            return fn()

        return run

    results = {"week": label, "stores": Store.objects.count(), "runs": args.runs}
    for name, fn in [("branch_report", branch), ("store_report", store_report),
                     ("branch_report_uncached", cold(branch)), ("store_report_uncached", cold(store_report)),
                     ("raw_branch_aggregate", raw_branch), ("raw_store_aggregate", raw_store),
                     ("raw_store_own_rows_only", raw_store_own_rows_only)]:  # fmt: skip
        fn()  # warm caches and connections
        reset_queries()  # the log is a bounded deque: a full one would count nothing
        with CaptureQueriesContext(connection) as queries:
            fn()
        n_queries = len(queries)  # now: the next request empties the query log
        samples, db_samples, response = timed(fn, args.runs)
        results[name] = {**summary(samples, db_samples), "queries": n_queries}
        if name.startswith("branch_report"):
            body = response.json()
            # the API gives the table a page at a time (100 stores); ranks and means are company-wide
            results[name]["stores_on_page"] = len(body["stores"])
            results[name]["stores_in_table"] = body.get("n_stores", len(body["stores"]))
    results["branch_vs_raw"] = round(
        results["branch_report"]["median_ms"] / results["raw_branch_aggregate"]["median_ms"], 3
    )
    results["store_vs_raw"] = round(
        results["store_report"]["median_ms"] / results["raw_store_aggregate"]["median_ms"], 3
    )
    results["store_vs_raw_own_rows_only"] = round(
        results["store_report"]["median_ms"] / results["raw_store_own_rows_only"]["median_ms"], 3
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
