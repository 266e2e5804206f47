"""Submission throughput of two checkouts of the code, measured alternately on the same database
and machine (for before/after figures), with the CPU each kind of process spent per visit.

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/compare_submissions.py /tmp/before . [--rounds 2] [--seconds 30]

Each round runs wrk with 16 clients against gunicorn and a Celery worker started from each
checkout in turn (the benchmark observers' tokens must exist: run bench/submissions.py once).
CPU per visit is read from /proc: the user and system time of gunicorn, Celery and PostgreSQL
processes during the run and the SETTLE seconds after it (the rollup refreshes the run queued
belong to it), divided by the visits stored. Each run starts with empty benchmark cache and broker
databases, so that no run's queued refreshes land in the next.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, submissions

TICKS = os.sysconf("SC_CLK_TCK")
SETTLE = 15  # longer than any checkout's rollup refresh delay


def cpu_seconds_by_kind() -> collections.Counter:
    spent: collections.Counter = collections.Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        kind = next((k for k in ("gunicorn", "celery") if k in command), "postgres" if name == "postgres" else None)
        if kind:
            fields = stat.rsplit(")", 1)[1].split()
            spent[kind] += (int(fields[11]) + int(fields[12])) / TICKS
    return spent


def run(checkout: Path, seconds: int, tokens: list[str], stores: list[str]) -> dict:
    common.ROOT = checkout  # gunicorn and the worker start from this checkout (with this venv)
    for url in (common.REDIS_URL, common.BROKER_URL):
        subprocess.run(["redis-cli", "-u", url, "flushdb"], capture_output=True, check=True)
    with common.celery_worker(), common.gunicorn(workers=5, THROTTLE_WRITES="600/min") as base:
        time.sleep(2)
        before = cpu_seconds_by_kind()
        result = submissions.wrk(base, "/api/v1/visits/", 16, seconds, tokens, stores)
        time.sleep(SETTLE)
        spent = cpu_seconds_by_kind() - before
    visits = max(result["statuses"].get(201, 0), 1)
    return {
        "checkout": str(checkout),
        **{key: result[key] for key in ("requests_per_s", "p50_ms", "p99_ms", "statuses")},
        "cpu_ms_per_visit": {
            kind: round(spent[kind] / visits * 1000, 2) for kind in ("gunicorn", "celery", "postgres")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    tokens = common.psql(
        "SELECT t.key FROM authtoken_token t JOIN stores_user u ON u.id = t.user_id"
        " WHERE u.username LIKE 'bench-supervisor%' ORDER BY u.username"
    ).split()
    stores = common.psql("SELECT code FROM stores_store WHERE is_active ORDER BY code").split()
    runs = [
        run(checkout.resolve(), args.seconds, tokens, stores)
        for _ in range(args.rounds)
        for checkout in (args.before, args.after)
    ]
    print(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
