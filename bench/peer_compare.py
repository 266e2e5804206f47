"""The project's submission path next to its textbook DRF peer (bench/peer/), alternately, in one
run: throughput, p50/p99, errors, rows created against the 201s each server sent, and the CPU
each spent per stored visit (gunicorn + Celery worker + PostgreSQL backends). In every round also
the one-INSERT ceiling (bench/ceiling.py, in the project's gunicorn) and the database's own limit:
pgbench committing the transaction of one visit with three interactions on the project's tables
(bench/pgbench_visit.sql).

    .venv/bin/python bench/peer_compare.py [--pairs 5] [--seconds 20] [--connections 16]

The two sides take turns (project first in even rounds, the peer first in odd ones), so a machine
that gets slower or faster during the run weighs on both. Reported: the median of each figure over
the rounds, and the median of the per-round ratios project / peer. Every server and worker is
started for its run and stopped after it; each project run starts with empty cache and broker
databases and on a copy of the project's database as it was when the script started (kept as
BENCH_DB_start), so that store-weeks hold the visits of one run, not of every run before.
Environment: BENCH_DB (the project's database), PEER_DB, BENCH_REDIS_URL, BENCH_BROKER_URL,
BENCH_PORT (the peer listens on BENCH_PORT + 1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, submissions

PEER_DB = os.environ.get("PEER_DB", "oasis_peer")
PEER_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{PEER_DB}"
PEER_PORT = common.PORT + 1
OBSERVERS = 100
STORES = 200
SETTLE = 15  # after a project run: the worker finishes the work the run recorded (sweep every 5 s)
PGBENCH = str(Path(__file__).resolve().parent / "pgbench_visit.sql")


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def rows(database: str, table: str) -> int:
    return int(psql(database, f"SELECT count(*) FROM {table}"))  # noqa: S608 (a fixed table name)


def peer_setup(stores: list[str]) -> list[str]:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", f"CREATE DATABASE {PEER_DB}"],
        capture_output=True, check=False,
    )  # fmt: skip
    result = subprocess.run(
        [common.PYTHON, "-m", "bench.peer.setup", str(OBSERVERS)],
        input="\n".join(stores), capture_output=True, text=True, check=True, cwd=common.ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.peer.settings", "PEER_DATABASE_URL": PEER_DATABASE_URL,
             "PYTHONPATH": str(common.ROOT)},
    )  # fmt: skip
    return json.loads(result.stdout)["tokens"]


def snapshot_project_database() -> None:
    """Keep the project's database as it is now (seeded) as a template for every project run."""
    from django.db import connections

    connections.close_all()  # this script's own connection (tokens) would block the copy
    psql("postgres", f"DROP DATABASE IF EXISTS {common.BENCH_DB}_start")
    psql("postgres", f"CREATE DATABASE {common.BENCH_DB}_start TEMPLATE {common.BENCH_DB}")


def restore_project_database() -> None:
    """The project's database as it was when the script started. A store-week's rollup refresh
    recomputes it from its visits, so its cost grows with the visits in the store-week: without
    this, every run would add hundreds of visits to each of the 200 store-weeks of the current week
    (300 each after a few runs, against about 4 in the seed) and each run would cost more than the
    one before."""
    psql("postgres", f"DROP DATABASE IF EXISTS {common.BENCH_DB} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {common.BENCH_DB} TEMPLATE {common.BENCH_DB}_start")


def flush_redis() -> None:
    for url in (common.REDIS_URL, common.BROKER_URL):
        subprocess.run(["redis-cli", "-u", url, "flushdb"], capture_output=True, check=True)


def warm_up(base, path: str, tokens, stores) -> None:
    """A few seconds of the same load first: every gunicorn worker imports and builds what it
    builds on its first requests (and connects to the database) outside the measured window."""
    submissions.wrk(base, path, 16, 3, tokens, stores)
    time.sleep(1)


def load(base, log: Path, path: str, database: str, table: str, args, tokens, stores) -> dict:
    """One wrk run; rows created checked against the 201s the server logged (wrk stops counting at
    the deadline while the server completes the requests in flight)."""
    rows_before, answered_before = rows(database, table), submissions.answered(log, 201, path)
    run = submissions.wrk(base, path, args.connections, args.seconds, tokens, stores)
    deadline = time.monotonic() + 30  # the requests in flight at wrk's deadline complete
    while True:
        run["rows_created"] = rows(database, table) - rows_before
        run["server_201s"] = submissions.answered(log, 201, path) - answered_before
        if run["rows_created"] == run["server_201s"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    run["rows_match_server_201s"] = run["rows_created"] == run["server_201s"]
    run["errors"] = run["socket_errors"] + sum(v for k, v in run["statuses"].items() if not 200 <= k < 300)
    return run


def per_visit(spent: dict, visits: int) -> dict:
    cpu = {kind: round(seconds / max(visits, 1) * 1000, 2) for kind, seconds in spent.items()}
    cpu["total"] = round(sum(cpu.values()), 2)
    return cpu


def run_project(args, log: Path, tokens, stores) -> dict:
    restore_project_database()
    flush_redis()
    with common.celery_worker() as worker, common.gunicorn(access_log=str(log), THROTTLE_WRITES="600/min") as base:
        warm_up(base, submissions.VISITS, tokens, stores)
        time.sleep(SETTLE)  # and the worker does what the warm-up queued
        sessions, databases = {"gunicorn": base.pid, "worker": worker.pid}, {"postgres": common.BENCH_DB}
        with common.CpuMeter(sessions, databases) as meter:
            run = load(base, log, submissions.VISITS, common.BENCH_DB, "observations_visit", args, tokens, stores)
            time.sleep(SETTLE)
        # Follow-up work the worker had not done by the end of the window (its CPU would be missing).
        run["outbox_left"] = rows(common.BENCH_DB, "observations_outboxitem")
        run["cpu_ms_per_visit"] = per_visit(meter.spent, run["server_201s"])
    return run


def run_peer(args, log: Path, tokens, stores) -> dict:
    with common.gunicorn(
        access_log=str(log), app="bench.peer.wsgi", port=PEER_PORT, ready_path="/api/v1/visits/",
        DJANGO_SETTINGS_MODULE="bench.peer.settings", PEER_DATABASE_URL=PEER_DATABASE_URL,
    ) as base:  # fmt: skip
        warm_up(base, submissions.VISITS, tokens, stores)
        with common.CpuMeter({"gunicorn": base.pid}, {"postgres": PEER_DB}) as meter:
            run = load(base, log, submissions.VISITS, PEER_DB, "peer_visit", args, tokens, stores)
        run["cpu_ms_per_visit"] = per_visit(meter.spent, run["server_201s"])
    return run


def run_ceiling(args, log: Path, tokens, stores) -> dict:
    with common.gunicorn(access_log=str(log)) as base:
        warm_up(base, submissions.CEILING, tokens, stores)
        with common.CpuMeter({"gunicorn": base.pid}, {"postgres": common.BENCH_DB}) as meter:
            run = load(base, log, submissions.CEILING, common.BENCH_DB, "bench_ceiling", args, tokens, stores)
        run["cpu_ms_per_visit"] = per_visit(meter.spent, run["server_201s"])
    return run


def run_pgbench(args) -> dict:
    smin, smax = psql(common.BENCH_DB, "SELECT min(id), max(id) FROM stores_store WHERE is_active").split("|")
    observer = psql(common.BENCH_DB, "SELECT id FROM stores_user WHERE username = 'bench-supervisor'")
    rubric = psql(common.BENCH_DB, "SELECT id FROM observations_rubric ORDER BY version DESC LIMIT 1")
    with common.CpuMeter({}, {"postgres": common.BENCH_DB}) as meter:
        result = subprocess.run(
            ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared", "-c", str(args.connections),
             "-j", "2", "-T", str(args.seconds), "-f", PGBENCH, "-D", f"smin={smin}", "-D", f"smax={smax}",
             "-D", f"observer={observer}", "-D", f"rubric={rubric}", common.BENCH_DB],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)
    transactions = int(re.search(r"number of transactions actually processed: (\d+)", result.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    return {
        "requests_per_s": round(transactions / args.seconds, 1),
        "transactions": transactions,
        "errors": int(failed.group(1)) if failed else 0,
        "latency_mean_ms": float(latency.group(1)) if latency else None,
        "cpu_ms_per_visit": per_visit(meter.spent, transactions),
    }


def summary(runs: list[dict]) -> dict:
    def med(key: str, sub: str | None = None) -> float:
        return round(common.median([(r[key][sub] if sub else r[key]) for r in runs]), 2)

    result = {"visits_per_s": med("requests_per_s"), "cpu_ms_per_visit": med("cpu_ms_per_visit", "total")}
    for kind in runs[0]["cpu_ms_per_visit"]:
        result[f"cpu_ms_{kind}"] = med("cpu_ms_per_visit", kind)
    if "p99_ms" in runs[0]:
        result |= {"p50_ms": med("p50_ms"), "p99_ms": med("p99_ms")}
        result["rows_match_server_201s"] = all(r["rows_match_server_201s"] for r in runs)
        result["rows_created"] = sum(r["rows_created"] for r in runs)
        result["server_201s"] = sum(r["server_201s"] for r in runs)
    result["errors"] = sum(r["errors"] for r in runs)
    if "outbox_left" in runs[0]:
        result["outbox_left"] = sum(r["outbox_left"] for r in runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-baselines", action="store_true", help="project and peer only (no ceiling, no pgbench)")
    args = parser.parse_args()
    common.ensure_database()
    common.psql("CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, body text NOT NULL)")
    tokens, stores = common.bench_user_tokens(OBSERVERS)
    stores = stores[:STORES]  # wrk posts to the first 200 either way
    peer_tokens = peer_setup(stores)
    snapshot_project_database()
    rounds: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access.log"
        log.touch()
        for number in range(args.pairs):
            sides = [("project", run_project, tokens), ("peer", run_peer, peer_tokens)]
            if number % 2:
                sides.reverse()
            result = {side: runner(args, log, side_tokens, stores) for side, runner, side_tokens in sides}
            if not args.no_baselines:
                result["ceiling"] = run_ceiling(args, log, tokens, stores)
                result["pgbench"] = run_pgbench(args)
            rounds.append(result)
            print(json.dumps({"round": number + 1, **{k: summary([v]) for k, v in result.items()}}), file=sys.stderr)
    kinds = rounds[0].keys()
    medians = {kind: summary([r[kind] for r in rounds]) for kind in kinds}

    def ratio(key: str) -> float:
        return round(common.median([r["project"][key] / r["peer"][key] for r in rounds]), 3)

    ratios = {
        "throughput_project_over_peer": ratio("requests_per_s"),
        "p99_project_over_peer": ratio("p99_ms"),
        "cpu_per_visit_project_over_peer": round(
            common.median(
                [r["project"]["cpu_ms_per_visit"]["total"] / r["peer"]["cpu_ms_per_visit"]["total"] for r in rounds]
            ),
            3,
        ),
    }
    if not args.no_baselines:
        ratios["project_share_of_ceiling"] = round(
            common.median([r["project"]["requests_per_s"] / r["ceiling"]["requests_per_s"] for r in rounds]), 3
        )
        ratios["peer_share_of_ceiling"] = round(
            common.median([r["peer"]["requests_per_s"] / r["ceiling"]["requests_per_s"] for r in rounds]), 3
        )
    print(json.dumps({"pairs": args.pairs, "seconds": args.seconds, "connections": args.connections,
                      "observers": OBSERVERS, "medians": medians, "ratios": ratios, "rounds": rounds}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
