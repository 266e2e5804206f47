"""Submission throughput of two checkouts of the code, measured alternately on the same database
and machine (for before/after figures), with the CPU each kind of process spent per visit.

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/compare_submissions.py /tmp/before . [--rounds 2] [--seconds 30]

Each round runs wrk with 16 clients against gunicorn and a Celery worker started from each
checkout in turn (the benchmark observers' tokens must exist: run bench/submissions.py once).
Each run is peer_compare.run_project: a warm-up, then wrk, with the CPU of that run's gunicorn,
Celery worker and the PostgreSQL backends of the benchmark database during the run and the
SETTLE seconds after it (the work the run queued belongs to it), divided by the visits stored.
Each run starts with empty benchmark cache and broker databases.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, peer_compare


def run(checkout: Path, seconds: int, tokens: list[str], stores: list[str]) -> dict:
    common.ROOT = checkout  # gunicorn and the worker start from this checkout (with this venv)
    common.PYTHON = str(checkout / ".venv" / "bin" / "python")
    peer_compare.flush_redis()
    args = argparse.Namespace(connections=16, seconds=seconds)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "access.log"
        log.touch()
        run = peer_compare.run_project(args, log, tokens, stores)
    return {"checkout": str(checkout), **run}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    # API tokens are stored as digests (knox): issue fresh ones for the bench supervisors.
    observers = int(common.psql("SELECT count(*) FROM stores_user WHERE username LIKE 'bench-supervisor%'") or 1)
    tokens, _ = common.bench_user_tokens(max(1, observers))
    stores = common.psql("SELECT code FROM stores_store WHERE is_active ORDER BY code").split()
    runs = [
        run(checkout.resolve(), args.seconds, tokens, stores)
        for _ in range(args.rounds)
        for checkout in (args.before, args.after)
    ]
    print(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
