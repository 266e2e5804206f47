"""Report latency at scale: the branch comparison over all stores (its first page of 100, ranks
and means company-wide) and one store's weekly report, server-side (Django test client, full
stack: URL routing, auth, report, JSON), as head office, every request computed from the rollups
(the reports have no cache), with their SQL query counts and the wall time
spent in database calls, next to the lower bound timed in the same run: a raw SQL aggregate over
the same raw rows (visits and interactions) that a report without rollups would have to read.

    BENCH_DB=oasis_bench10x .venv/bin/python bench/reports_latency.py [--runs 3] [--requests 200]

Each report twice: with the session where production keeps it (`cached_db`: in Redis after the
first request; the `_uncached` figures, which the targets are about) and with Redis emptied before
every request (`_cold_session`: the session read from the database and written back to Redis each
time, what every request cost in the figures published before 2026-12-07 03:30).

`--runs` runs of `--requests` requests each (the raw baselines: `--raw-requests`), every measure
spread evenly over the whole run, in turn with the others (`interleaved`, since 2026-12-07 04:00;
before, each measure's requests were sent one after the other); every run's medians are printed
with the machine's foreign CPU, steal and load average during it (cpu.CpuMeter) and whether it
was disturbed (foreign
processes above 10 % of a core), and the output says whether consecutive undisturbed runs agree
within 10 %. The database's state is printed too: when each table was last analysed and vacuumed
and how many rows changed since (`--vacuum-analyze` first runs VACUUM (ANALYZE), which is what
autovacuum leaves after a bulk load; this machine's PostgreSQL runs with autovacuum off).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, cpu

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


def interleaved(measures: list[tuple[str, object, int]]) -> list[tuple[str, object]]:
    """One run's requests in the order they are sent: the measures taken in turn, each spread
    evenly over the whole run, so that all of them sample the same stretch of time (this machine's
    speed drifts over tens of seconds, which made a measure timed after another read a different
    machine)."""
    slots = []
    for name, fn, n in measures:
        slots += [((i + 0.5) / n, name, fn) for i in range(n)]
    return [(name, fn) for _position, name, fn in sorted(slots, key=lambda slot: slot[0])]


def summary(samples: list[float], db_samples: list[float]) -> dict:
    return {
        "median_ms": round(common.median(samples), 2),
        "p95_ms": round(common.percentile(samples, 95), 2),
        "median_db_ms": round(common.median(db_samples), 2),
        "requests": len(samples),
    }


TABLES_STATE_SQL = """
SELECT relname, n_live_tup, n_mod_since_analyze, last_analyze, last_autoanalyze, last_vacuum, last_autovacuum
FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY relname
"""


def database_state(cursor, tables: list[str]) -> list[dict]:
    cursor.execute(TABLES_STATE_SQL, [tables])
    names = [column.name for column in cursor.description]
    return [
        {name: (value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else value)
         for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]  # fmt: skip


def agreement(values: list[float]) -> float | None:
    """The largest ratio between consecutive values (1.0: identical)."""
    pairs = list(itertools.pairwise(values))
    return round(max(max(a, b) / min(a, b) for a, b in pairs), 3) if pairs else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="requests per run of each report")
    parser.add_argument("--raw-requests", type=int, default=10, help="runs per run of each raw SQL baseline")
    parser.add_argument("--vacuum-analyze", action="store_true", help="VACUUM (ANALYZE) the database first")
    args = parser.parse_args()
    common.django_setup()
    import datetime as dt

    from django.apps import apps
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.periods import last_complete_week, week_label
    from stores.models import Store, User

    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__ in ("Visit", "Interaction", "StoreWeekRollup", "RegionWeekRollup", "Store")
    )
    if args.vacuum_analyze:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    with connection.cursor() as cursor:
        state = database_state(cursor, tables)

    head = User.objects.get(username="head")
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)
    week = last_complete_week()
    label = week_label(week)
    store = Store.objects.order_by("code").first()
    first = week - dt.timedelta(weeks=11)

    def branch(cold: bool = False):
        if cold:
            cache.clear()  # the session too: read from the database, written back to Redis
        response = client.get("/api/v1/reports/branches/", {"week": label, "page": "1"})
        assert response.status_code == 200, response.content[:300]
        return response

    def store_report(cold: bool = False):
        if cold:
            cache.clear()
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

    measures = [
        ("branch_report_uncached", branch, args.requests),
        ("branch_report_cold_session", lambda: branch(cold=True), args.requests),
        ("raw_branch_aggregate", raw_branch, args.raw_requests),
        ("store_report_uncached", store_report, args.requests),
        ("store_report_cold_session", lambda: store_report(cold=True), args.requests),
        ("raw_store_aggregate", raw_store, args.raw_requests),
    ]
    results: dict = {"week": label, "stores": Store.objects.count(), "database_state": state, "runs": []}
    results["machine_speed"] = common.machine_speed()
    queries = {}
    for name, fn, _n in measures:
        fn()  # warm caches and connections
        reset_queries()  # the log is a bounded deque: a full one would count nothing
        with CaptureQueriesContext(connection) as captured:
            response = fn()
        queries[name] = len(captured)
        if name.startswith("branch_report"):
            body = response.json()
            # the API gives the table a page at a time (100 stores); ranks and means are company-wide
            results["branch_stores_on_page"] = len(body["stores"])
            results["branch_stores_in_table"] = body.get("n_stores", len(body["stores"]))
    results["queries"] = queries
    for number in range(args.runs):
        run: dict = {"run": number + 1}
        timings: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, _fn, _n in measures}
        with cpu.CpuMeter({}, {"postgres": common.BENCH_DB}) as meter:
            for name, fn in interleaved(measures):
                samples, db_samples, _response = timed(fn, 1)
                timings[name][0].extend(samples)
                timings[name][1].extend(db_samples)
        machine = meter.machine
        for name, _fn, _n in measures:
            run[name] = {
                **summary(*timings[name]),
                "foreign_core_pct": machine["foreign_core_pct"],
                "steal_core_pct": machine["steal_core_pct"],
                "load_avg_mean": machine["load_avg_mean"],
                "disturbed": machine["disturbed"],
            }
        run["seconds"] = machine["seconds"]
        run["disturbed"] = machine["disturbed"]
        # The report's time against its raw baseline of the same run.
        run["branch_uncached_over_raw"] = round(
            run["branch_report_uncached"]["median_ms"] / run["raw_branch_aggregate"]["median_ms"], 3
        )
        run["store_uncached_over_raw"] = round(
            run["store_report_uncached"]["median_ms"] / run["raw_store_aggregate"]["median_ms"], 3
        )
        print(json.dumps(run), file=sys.stderr)
        results["runs"].append(run)
    quiet = [run for run in results["runs"] if not run["disturbed"]]
    results["undisturbed_runs"] = [run["run"] for run in quiet]
    for name, _fn, _n in measures:
        results[name] = {
            "median_of_run_medians_ms": round(common.median([r[name]["median_ms"] for r in quiet]), 2)
            if quiet
            else None,
            "median_of_run_p95s_ms": round(common.median([r[name]["p95_ms"] for r in quiet]), 2) if quiet else None,
            "consecutive_undisturbed_runs_agree_within": agreement([r[name]["median_ms"] for r in quiet]),
            "all_runs_median_of_medians_ms": round(common.median([r[name]["median_ms"] for r in results["runs"]]), 2),
        }
    for ratio in ("branch_uncached_over_raw", "store_uncached_over_raw"):
        results[ratio] = round(common.median([r[ratio] for r in quiet]), 3) if quiet else None
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
