"""Submission throughput: gunicorn (5 sync workers for 2 cores) on PostgreSQL with a Celery worker
on Redis for the rollup refreshes and alerts (the production set-up), visits with 3
interactions posted by wrk at 16 and 50 concurrent clients, next to the framework's ceiling (a
Django view doing one INSERT) in the same run; then a replay storm: 50 clients re-posting the same
20 visits of one shopper. Every run checks rows created against successful responses.

The workload is the phones' (`common.bench_observers`, as in peer_compare.py): 100 mystery
shoppers, each with their own API token, posting to the two stores assigned to them, and 5
supervisors of every region posting to any of them (about 5 % of the requests). The output
shows it as `workload` and per run as `requests_sent_by_role`.

    .venv/bin/python bench/submissions.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# Observers posting at once, each with their own token (and so their own write throttle: the
# production rate of 600 writes a minute each leaves room for 1,000 visits a second in all).
SHOPPERS, SUPERVISORS, STORES, STORES_PER_SHOPPER = 100, 5, 200, 2
VISITS, CEILING = "/api/v1/visits/", "/bench/ceiling/"
LUA = str(Path(__file__).resolve().parent / "lua" / "visits.lua")


def wrk(
    base: str,
    path: str,
    connections: int,
    seconds: int,
    tokens: list[str],
    stores: list[str],
    replay: int = 0,
    observers: list[common.Observer] | None = None,
) -> dict:
    """One wrk run. `observers` (common.bench_observers: each with their role, token and stores)
    post to their own stores; without them every token posts to any of the first 200 `stores`."""
    if observers is None:
        observers = [common.Observer("supervisor", token, ("*",)) for token in tokens]
    posting = ";".join(f"{o.role},{o.token},{'|'.join(o.stores) if o.stores != ('*',) else '*'}" for o in observers)
    env = {**os.environ, "BENCH_OBSERVERS": posting, "BENCH_STORES": ",".join(stores[:200]), "BENCH_PATH": path,
           "BENCH_REPLAY": str(replay), "BENCH_REPLAY_SEED": str(random.randrange(2**31))}  # fmt: skip
    threads = min(4, connections)
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", LUA, base + path],
        capture_output=True, text=True, env=env, check=True, timeout=seconds + 60,
    )  # fmt: skip
    match = re.search(r"WRK_RESULT (\{.*\})", result.stdout)
    if not match:
        raise RuntimeError(result.stdout + result.stderr)
    data = json.loads(match.group(1))
    seconds_run = data["duration_us"] / 1e6
    statuses = {int(k): v for k, v in data["statuses"].items()}
    sent_by_role = data.get("requests_sent_by_role", {})
    return {
        "requests_sent_by_role": sent_by_role,
        "supervisor_share_of_requests": round(
            sent_by_role.get("supervisor", 0) / max(sum(sent_by_role.values()), 1), 3
        ),
        "connections": connections,
        "seconds": round(seconds_run, 1),
        "requests": data["requests"],
        "requests_per_s": round(data["requests"] / seconds_run, 1),
        "p50_ms": round(data["latency_us"]["p50"] / 1000, 1),
        "p99_ms": round(data["latency_us"]["p99"] / 1000, 1),
        "statuses": statuses,
        "socket_errors": sum(data["errors"][k] for k in ("connect", "read", "write", "timeout")),
        "errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
    }


def count(table: str) -> int:
    return int(common.psql(f"SELECT count(*) FROM {table}"))  # noqa: S608 (a fixed table name)


def answered(log: Path, status: int, path: str) -> int:
    """How many answers with this status the server sent for POSTs to `path` (its access log)."""
    line = f"{status} POST {path}"
    return sum(1 for entry in log.read_text().splitlines() if entry == line)


def measured(base: str, log: Path, path: str, table: str, connections: int, seconds: int, tokens, stores, **kw) -> dict:
    """One wrk run, with the rows it created checked against the 201s the server sent: wrk stops
    counting at the deadline while the server still completes the requests in flight."""
    rows_before, answered_before = count(table), answered(log, 201, path)
    run = wrk(base, path, connections, seconds, tokens, stores, **kw)
    time.sleep(2)  # let the requests in flight at the deadline complete
    run["rows_created"] = count(table) - rows_before
    run["server_201s"] = answered(log, 201, path) - answered_before
    run["rows_match_server_201s"] = run["rows_created"] == run["server_201s"]
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    common.ensure_database()
    common.psql("CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, body text NOT NULL)")
    observers = common.bench_observers(SHOPPERS, SUPERVISORS, STORES, STORES_PER_SHOPPER)
    stores = sorted({code for observer in observers for code in observer.stores})
    tokens: list[str] = []  # every request is one of the observers' (their role, token, stores)
    posting = {"observers": observers}
    results: dict = {"workers": 5, "seconds": args.seconds, "workload": common.workload(observers)}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access.log"
        with common.celery_worker(), common.gunicorn(workers=5, access_log=str(log), THROTTLE_WRITES="600/min") as base:
            for connections in (16, 50):
                run = measured(
                    base, log, VISITS, "observations_visit", connections, args.seconds, tokens, stores, **posting
                )
                results[f"visits_c{connections}"] = run
                ceiling = measured(
                    base, log, CEILING, "bench_ceiling", connections, args.seconds, tokens, stores, **posting
                )
                results[f"ceiling_c{connections}"] = ceiling
                results[f"share_of_ceiling_c{connections}"] = round(
                    run["requests_per_s"] / ceiling["requests_per_s"], 3
                )
        # The storm is one shopper's phone (the same visits, the same token: the first observer's)
        # retrying as hard as it can: without the per-observer throttle, so that the replays race
        # each other in earnest.
        with common.celery_worker(), common.gunicorn(workers=5, access_log=str(log)) as base:
            storm = measured(
                base, log, VISITS, "observations_visit", 50, min(args.seconds, 20), tokens, stores, replay=20, **posting
            )
            results["replay_storm_c50_20_visits"] = storm
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
