"""Where one submission's time goes: N visits posted in-process (Django's test client, no network,
no gunicorn) against the benchmark database, timed per request, with the SQL statements listed,
the mean time of each phase (authentication, validation, the insert, the commit hooks, the
answer...), and optionally a cProfile of the whole run.

    .venv/bin/python bench/profile_submission.py [--requests 300] [--shoppers 100] [--profile 25]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import importlib
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, cpu

# (module, attribute path, label): each is timed wherever it is called during the measured requests.
PHASES = [
    ("django.core.handlers.base", "BaseHandler.get_response", "whole request (middleware included)"),
    ("rest_framework.views", "APIView.perform_authentication", "token authentication"),
    ("rest_framework.views", "APIView.check_throttles", "write throttle"),
    ("rest_framework.request", "Request._load_data_and_files", "JSON parsing"),
    ("rest_framework.serializers", "BaseSerializer.is_valid", "input validation"),
    ("api.visits", "visit_receive", "visit_receive service"),
    ("observations.services", "submission_reads", "  its reads: store in scope, rubric, repeat check"),
    ("observations.models", "Rubric.in_force", "  rubric in force"),
    ("observations.services", "build_visit", "  scoring, building rows"),
    ("observations.models", "Visit.save", "  visit INSERT + audit row"),
    ("observations.services", "Interaction.objects.bulk_create", "  interactions INSERT"),
    ("django.db.backends.base.base", "BaseDatabaseWrapper.commit", "  COMMIT"),
    ("django.db.backends.base.base", "BaseDatabaseWrapper.run_and_clear_commit_hooks", "  after-commit hooks"),
    ("api.serializers", "VisitSerializer.to_representation", "the answer (serializer)"),
    ("api.serializers", "visit_answer", "the answer (written out)"),
]


def time_phases() -> collections.Counter:
    spent: collections.Counter = collections.Counter()
    for module_name, path, label in PHASES:
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name, None)
        if original is None:  # not in this version of the code (an A/B against an older checkout)
            continue

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - started

        setattr(owner, name, functools.wraps(original)(timed))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions by cumulative time")
    parser.add_argument("--profile-out", help="also write the cProfile data to this file")
    parser.add_argument("--as", dest="role", choices=["shopper", "supervisor"], default="shopper")
    parser.add_argument(
        "--shoppers",
        type=int,
        default=1,
        help="post in turn as this many of the benchmark's shoppers, each to their two stores (the load test's "
        "workload: 100); with one, its visits pile up in its two stores' repeat-visit window",
    )
    args = parser.parse_args()
    common.ensure_database()
    if args.role == "shopper":  # the benchmark's shoppers, each posting to their two stores
        posters = [(o.token, list(o.stores)) for o in common.bench_observers(shoppers=args.shoppers, supervisors=0)]
    else:
        tokens, stores = common.bench_user_tokens(1)
        posters = [(tokens[0], stores)]
    from django.db import connection
    from django.test import Client

    clients = [Client(HTTP_AUTHORIZATION=f"Token {token}", SERVER_NAME="127.0.0.1") for token, _ in posters]
    bodies = []
    for n in range(args.requests + 20):
        poster = n % len(posters)
        stores = posters[poster][1]
        bodies.append((clients[poster], json.dumps(common.visit_payload(stores[n // len(posters) % len(stores)]))))
    post = lambda body: body[0].post("/api/v1/visits/", body[1], content_type="application/json")  # noqa: E731
    for body in bodies[:20]:  # warm up: imports, connections, caches
        response = post(body)
        assert response.status_code == 201, response.content
    statements: list[str] = []  # (request_started clears Django's own query log)

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        post(bodies[20])
    spent = time_phases() if not args.profile else collections.Counter()
    times = []
    profiler = cProfile.Profile() if args.profile else None
    # CPU of this process (Django, in-process) and of its PostgreSQL backend, beside the machine.
    process_cpu = time.process_time()
    with cpu.CpuMeter({}, {"postgres": common.BENCH_DB}) as meter:
        for body in bodies[21:]:
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            response = post(body)
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.content
    process_cpu = time.process_time() - process_cpu
    result = {
        "observer_role": args.role,
        "observers": len(posters),
        "database_options": dict(connection.settings_dict.get("OPTIONS", {})),
        "cpu_ms_per_request_django": round(process_cpu / len(times) * 1000, 3),
        "cpu_ms_per_request_postgres": round(meter.spent["postgres"] / len(times) * 1000, 3),
        "machine": meter.machine,
        "requests": len(times),
        "median_ms": round(common.median(times), 2),
        "p95_ms": round(common.percentile(times, 95), 2),
        "phases_ms": {label: round(spent[label] / len(times) * 1000, 2) for _m, _p, label in PHASES if spent[label]},
        "sql_statements": len(statements),
        "sql": [sql[:100] for sql in statements],
    }
    print(json.dumps(result, indent=2))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        if args.profile_out:
            profiler.dump_stats(args.profile_out)


if __name__ == "__main__":
    main()
