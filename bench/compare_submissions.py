"""Submission throughput of two checkouts of the code, measured alternately on the same database
and machine (for before/after figures), with the CPU each kind of process spent per visit.

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/compare_submissions.py /tmp/before . [--rounds 2] [--seconds 30]

Each round runs wrk with 16 clients against gunicorn, a Celery worker and beat started from each
checkout in turn, with peer_compare's workload (`common.bench_observers`: 100 shoppers posting to
their two assigned stores, 5 supervisors of every region; in the output as `workload` and per run
as `requests_sent_by_role`). Each run is peer_compare.run_project: the database as it was when
the script started, a warm-up, then wrk, with the CPU of that run's gunicorn, worker, beat and the
PostgreSQL backends of the benchmark database until the outbox is empty, divided by the visits
stored. Each run starts with empty benchmark cache and broker databases.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, peer_compare


def run(checkout: Path, seconds: int, observers: list[common.Observer]) -> dict:
    common.ROOT = checkout  # gunicorn and the worker start from this checkout (with this venv)
    common.PYTHON = str(checkout / ".venv" / "bin" / "python")
    peer_compare.flush_redis()
    args = argparse.Namespace(connections=16, seconds=seconds)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access.log"
        log.touch()
        run = peer_compare.run_project(args, log, observers)
    return {"checkout": str(checkout), **run}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    # API tokens are stored as digests: fresh ones are issued for the benchmark's observers.
    observers = common.bench_observers(
        peer_compare.SHOPPERS, peer_compare.SUPERVISORS, peer_compare.STORES, peer_compare.STORES_PER_SHOPPER
    )
    peer_compare.STORE_CODES[:] = sorted({code for observer in observers for code in observer.stores})
    peer_compare.forget_earlier_runs()
    peer_compare.close_counters()
    peer_compare.snapshot_project_database()  # every run starts from it
    runs = [
        run(checkout.resolve(), args.seconds, observers)
        for _ in range(args.rounds)
        for checkout in (args.before, args.after)
    ]
    print(json.dumps({"workload": common.workload(observers), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
