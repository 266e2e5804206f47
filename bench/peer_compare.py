"""The project's submission path next to its textbook DRF peer (bench/peer/), alternately, in one
run: throughput, p50/p99, errors, rows created against the 201s each server sent, and the CPU
each spent per stored visit (gunicorn + Celery worker + beat + PostgreSQL backends, counted per
process from /proc until the outbox is empty).

The workload is the phones': 100 mystery shoppers, each with their own API token, posting to the
two stores assigned to them, and 5 supervisors of every region posting to any of the 200 stores
(about 5 % of the requests); the peer gets the same observers, stores and mix (its own tokens).
The project runs as in production: gunicorn with 5 sync workers, Redis as broker and cache, one
Celery worker and one beat, the production write throttle (600 a minute per observer).

Every window also records what else the machine did (cpu.CpuMeter: foreign processes' CPU as a
percentage of one core, the load average); a round in which foreign processes used more than 10 %
of a core in any window is marked "disturbed", and the medians are given over the undisturbed
rounds (and, apart, over all). In every round also
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

from bench import common, cpu, submissions

PEER_DB = os.environ.get("PEER_DB", "oasis_peer")
PEER_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{PEER_DB}"
PEER_PORT = common.PORT + 1
SHOPPERS, SUPERVISORS, STORES, STORES_PER_SHOPPER = 100, 5, 200, 2
DRAIN_TIMEOUT = 120  # after a project run: the most seconds to wait for the outbox to empty
PGBENCH = str(Path(__file__).resolve().parent / "pgbench_visit.sql")


def psql(database: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


_counters: dict[str, cpu.Counter] = {}


def rows(database: str, table: str) -> int:
    if database not in _counters:
        _counters[database] = cpu.Counter(database)
    return _counters[database].rows(table)


def close_counters() -> None:
    """Before the project's database is dropped and copied again."""
    for counter in _counters.values():
        counter.close()
    _counters.clear()


def peer_setup(stores: list[str], accounts: int) -> list[str]:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", f"CREATE DATABASE {PEER_DB}"],
        capture_output=True, check=False,
    )  # fmt: skip
    result = subprocess.run(
        [common.PYTHON, "-m", "bench.peer.setup", str(accounts)],
        input="\n".join(stores), capture_output=True, text=True, check=True, cwd=common.ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.peer.settings", "PEER_DATABASE_URL": PEER_DATABASE_URL,
             "PYTHONPATH": str(common.ROOT)},
    )  # fmt: skip
    return json.loads(result.stdout)["tokens"]


def forget_earlier_runs() -> int:
    """Visits that the benchmark's own accounts posted in earlier runs (or other benchmarks) are
    deleted and the rollups rebuilt, so every run starts from the seed: a store-week's cost in
    the database, and a shopper's repeat-visit check, grow with the visits already in it."""
    from observations.models import Visit
    from reports.rollups import rebuild_all

    deleted = Visit.objects.filter(observer__username__startswith="bench-").count()
    if deleted:
        Visit.objects.filter(observer__username__startswith="bench-").delete()
        rebuild_all()
    return deleted


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
    close_counters()
    psql("postgres", f"DROP DATABASE IF EXISTS {common.BENCH_DB} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {common.BENCH_DB} TEMPLATE {common.BENCH_DB}_start")


def flush_redis() -> None:
    for url in (common.REDIS_URL, common.BROKER_URL):
        subprocess.run(["redis-cli", "-u", url, "flushdb"], capture_output=True, check=True)


def warm_up(base, path: str, observers, log: Path) -> None:
    """A few seconds of the same load first: every gunicorn worker imports and builds what it
    builds on its first requests (and connects to the database) outside the measured window."""
    submissions.wrk(base, path, 16, 3, [], STORE_CODES, observers=observers)
    quiet(log)


def quiet(log: Path) -> None:
    """Until the server's access log has not grown for a second: a warm-up request answered after
    the window's starting counts were taken would count as a 201 without its row."""
    size = -1
    while size != log.stat().st_size:
        size = log.stat().st_size
        time.sleep(1)


def load(base, log: Path, path: str, database: str, table: str, args, observers) -> dict:
    """One wrk run; rows created checked against the 201s the server logged (wrk stops counting at
    the deadline while the server completes the requests in flight)."""
    rows_before, answered_before = rows(database, table), submissions.answered(log, 201, path)
    run = submissions.wrk(base, path, args.connections, args.seconds, [], STORE_CODES, observers=observers)
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


def drain(outbox: str) -> float:
    """Wait until the outbox is empty (every piece of follow-up work done); returns the seconds."""
    started = time.monotonic()
    while rows(common.BENCH_DB, outbox) and time.monotonic() - started < DRAIN_TIMEOUT:
        time.sleep(0.2)
    return round(time.monotonic() - started, 1)


def run_project(args, log: Path, observers) -> dict:
    restore_project_database()
    flush_redis()
    outbox = common.outbox_table()
    with (
        common.celery_worker(beat=False) as worker,
        common.celery_beat() as beat,
        common.gunicorn(access_log=str(log), THROTTLE_WRITES="600/min") as base,
    ):
        warm_up(base, submissions.VISITS, observers, log)
        drain(outbox)  # and the worker does what the warm-up recorded
        run_idle_wait = cpu.wait_idle([worker.pid, beat.pid])  # and has started up
        sessions = {"gunicorn": base.pid, "worker": worker.pid, "beat": beat.pid}
        with cpu.CpuMeter(sessions, {"postgres": common.BENCH_DB}) as meter:
            run = load(base, log, submissions.VISITS, common.BENCH_DB, "observations_visit", args, observers)
            # The follow-up work of the window's visits counts: CPU until the outbox is empty.
            run["drain_seconds"] = drain(outbox)
        run["outbox_left"] = rows(common.BENCH_DB, outbox)
        run["worker_start_up_seconds_before_the_window"] = run_idle_wait
        run["cpu_ms_per_visit"] = per_visit(meter.spent, run["server_201s"])
        run["machine"] = meter.machine
    return run


def run_peer(args, log: Path, observers) -> dict:
    with common.gunicorn(
        access_log=str(log), app="bench.peer.wsgi", port=PEER_PORT, ready_path="/api/v1/visits/",
        DJANGO_SETTINGS_MODULE="bench.peer.settings", PEER_DATABASE_URL=PEER_DATABASE_URL,
    ) as base:  # fmt: skip
        warm_up(base, submissions.VISITS, observers, log)
        with cpu.CpuMeter({"gunicorn": base.pid}, {"postgres": PEER_DB}) as meter:
            run = load(base, log, submissions.VISITS, PEER_DB, "peer_visit", args, observers)
        run["cpu_ms_per_visit"] = per_visit(meter.spent, run["server_201s"])
        run["machine"] = meter.machine
    return run


def run_ceiling(args, log: Path, observers) -> dict:
    with common.gunicorn(access_log=str(log)) as base:
        warm_up(base, submissions.CEILING, observers, log)
        with cpu.CpuMeter({"gunicorn": base.pid}, {"postgres": common.BENCH_DB}) as meter:
            run = load(base, log, submissions.CEILING, common.BENCH_DB, "bench_ceiling", args, observers)
        run["cpu_ms_per_visit"] = per_visit(meter.spent, run["server_201s"])
        run["machine"] = meter.machine
    return run


def run_pgbench(args) -> dict:
    smin, smax = psql(common.BENCH_DB, "SELECT min(id), max(id) FROM stores_store WHERE is_active").split("|")
    observer = psql(common.BENCH_DB, "SELECT id FROM stores_user WHERE username = 'bench-shopper-1'")
    rubric = psql(common.BENCH_DB, "SELECT id FROM observations_rubric ORDER BY version DESC LIMIT 1")
    with cpu.CpuMeter({}, {"postgres": common.BENCH_DB}) as meter:
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
        "machine": meter.machine,
    }


def summary(runs: list[dict]) -> dict:
    if not runs:
        return {}

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
        result["supervisor_share_of_requests"] = med("supervisor_share_of_requests")
    result["errors"] = sum(r["errors"] for r in runs)
    if "outbox_left" in runs[0]:
        result["outbox_left"] = sum(r["outbox_left"] for r in runs)
        result["drain_seconds"] = med("drain_seconds")
    result["foreign_core_pct"] = med("machine", "foreign_core_pct")
    result["load_avg_mean"] = med("machine", "load_avg_mean")
    return result


def ratios(rounds: list[dict], baselines: bool) -> dict:
    """Medians of the per-round ratios project / peer."""
    if not rounds:
        return {}

    def ratio(fn) -> float:
        return round(common.median([fn(r) for r in rounds]), 3)

    result = {
        "rounds": len(rounds),
        "cpu_per_visit_project_over_peer": ratio(
            lambda r: r["project"]["cpu_ms_per_visit"]["total"] / r["peer"]["cpu_ms_per_visit"]["total"]
        ),
        "throughput_project_over_peer": ratio(lambda r: r["project"]["requests_per_s"] / r["peer"]["requests_per_s"]),
        "p99_project_over_peer": ratio(lambda r: r["project"]["p99_ms"] / r["peer"]["p99_ms"]),
    }
    if baselines:
        result["project_share_of_ceiling"] = ratio(
            lambda r: r["project"]["requests_per_s"] / r["ceiling"]["requests_per_s"]
        )
        result["peer_share_of_ceiling"] = ratio(lambda r: r["peer"]["requests_per_s"] / r["ceiling"]["requests_per_s"])
    return result


def round_line(number: int, result: dict) -> dict:
    """One round as a line of its own: each side's figures beside the machine during its window."""
    line: dict = {"round": number, "disturbed": result["disturbed"]}
    for side, run in result.items():
        if isinstance(run, dict):
            line[side] = {
                "visits_per_s": run["requests_per_s"],
                "p50_ms": run.get("p50_ms"),
                "p99_ms": run.get("p99_ms"),
                "cpu_ms_per_visit": run["cpu_ms_per_visit"],
                "errors": run["errors"],
                "rows_created": run.get("rows_created"),
                "server_201s": run.get("server_201s"),
                "requests_sent_by_role": run.get("requests_sent_by_role"),
                "foreign_core_pct": run["machine"]["foreign_core_pct"],
                "load_avg_mean": run["machine"]["load_avg_mean"],
                "disturbed": run["machine"]["disturbed"],
            }
    return line


STORE_CODES: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-baselines", action="store_true", help="project and peer only (no ceiling, no pgbench)")
    args = parser.parse_args()
    common.ensure_database()
    common.psql("CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, body text NOT NULL)")
    observers = common.bench_observers(SHOPPERS, SUPERVISORS, STORES, STORES_PER_SHOPPER)
    STORE_CODES[:] = sorted({code for observer in observers for code in observer.stores})
    peer_tokens = peer_setup(STORE_CODES, len(observers))
    # The peer's accounts post exactly as the project's: same roles, stores and mix.
    peer_observers = [common.Observer(o.role, token, o.stores) for o, token in zip(observers, peer_tokens, strict=True)]
    earlier_visits_deleted = forget_earlier_runs()
    close_counters()
    snapshot_project_database()
    speed = common.machine_speed()
    rounds: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access.log"
        log.touch()
        for number in range(args.pairs):
            sides = [("project", run_project, observers), ("peer", run_peer, peer_observers)]
            if number % 2:
                sides.reverse()
            result = {side: runner(args, log, side_observers) for side, runner, side_observers in sides}
            if not args.no_baselines:
                result["ceiling"] = run_ceiling(args, log, observers)
                result["pgbench"] = run_pgbench(args)
            result["disturbed"] = any(run["machine"]["disturbed"] for run in result.values())
            rounds.append(result)
            print(json.dumps(round_line(number + 1, result)), file=sys.stderr)
    kinds = [kind for kind in rounds[0] if kind != "disturbed"]
    quiet = [r for r in rounds if not r["disturbed"]]
    print(json.dumps({
        "pairs": args.pairs, "seconds": args.seconds, "connections": args.connections,
        "workload": common.workload(observers),
        "machine_speed": speed,
        "earlier_benchmark_visits_deleted_before_the_run": earlier_visits_deleted,
        "undisturbed_rounds": [n + 1 for n, r in enumerate(rounds) if not r["disturbed"]],
        "medians_undisturbed": {kind: summary([r[kind] for r in quiet]) for kind in kinds},
        "ratios_undisturbed": ratios(quiet, not args.no_baselines),
        "medians_all_rounds": {kind: summary([r[kind] for r in rounds]) for kind in kinds},
        "ratios_all_rounds": ratios(rounds, not args.no_baselines),
        "per_round": [round_line(n + 1, r) for n, r in enumerate(rounds)],
        "rounds": rounds,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
