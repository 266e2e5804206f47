"""PostgreSQL stopped and restarted under load: requests must fail with a 503 JSON error (never a
traceback or a 500), the app must recover without a restart, and clients retrying afterwards must
create no duplicates and lose nothing.

The clients are phones: 16 mystery shoppers (`common.bench_observers`), each with their own API
token, posting to the stores assigned to them (in the output as `workload` and
`requests_sent_by_role`).

Stops the machine's PostgreSQL cluster for a few seconds: run it when nothing else uses it.
    .venv/bin/python bench/fault_db_restart.py
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

CLIENTS = 16
PHASE_SECONDS = 8
CLUSTER = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True, check=True).stdout.split()[0]


def pg(action: str) -> None:
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            CLUSTER,
            "main",
            action,
            *(["-m", "fast"] if action == "stop" else []),
        ],
        check=True,
    )


def main() -> int:
    common.ensure_database()
    if not common.psql("SELECT count(*) FROM stores_store") or common.psql("SELECT count(*) FROM stores_store") == "0":
        common.manage("seed_demo", "--stores", "24", "--weeks", "1")
    observers = common.bench_observers(shoppers=CLIENTS, supervisors=0)
    sent_by_role: collections.Counter[str] = collections.Counter()
    before = int(common.psql("SELECT count(*) FROM observations_visit"))
    outcomes: dict[str, list[int]] = collections.defaultdict(list)
    bodies: dict[str, dict] = {}
    posted_by: dict[str, common.Observer] = {}
    bad_bodies: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def post(session: requests.Session, payload: dict, observer: common.Observer) -> int:
        with lock:
            sent_by_role[observer.role] += 1
        try:
            response = session.post(url, json=payload, headers={"Authorization": f"Token {observer.token}"}, timeout=15)
        except requests.RequestException:
            return 0  # connection refused / reset: the client will retry
        if response.status_code >= 500:
            content_type = response.headers.get("Content-Type", "")
            if response.status_code != 503 or "json" not in content_type or "Traceback" in response.text:
                with lock:
                    bad_bodies.append(f"{response.status_code} {content_type} {response.text[:200]}")
        return response.status_code

    def client(n: int) -> None:
        import random

        rng = random.Random(n)
        observer = observers[n % len(observers)]  # one phone per client
        with requests.Session() as session:
            while not stop.is_set():
                payload = common.visit_payload(rng.choice(observer.stores), rng=rng)
                status = post(session, payload, observer)
                with lock:
                    bodies[payload["id"]] = payload
                    posted_by[payload["id"]] = observer
                    outcomes[payload["id"]].append(status)

    with common.gunicorn() as base:
        url = f"{base}/api/v1/visits/"
        with ThreadPoolExecutor(CLIENTS) as pool:
            for n in range(CLIENTS):
                pool.submit(client, n)
            time.sleep(PHASE_SECONDS)
            pg("stop")
            stopped_at = time.monotonic()
            time.sleep(PHASE_SECONDS)
            pg("start")
            restarted_at = time.monotonic()
            time.sleep(PHASE_SECONDS)
            stop.set()
        # Recovery without restarting gunicorn: every visit that did not get a 2xx is retried.
        retried = 0
        with requests.Session() as session:
            for visit_id, statuses in list(outcomes.items()):
                if not any(status in (200, 201) for status in statuses):
                    retried += 1
                    for _ in range(5):
                        status = post(session, bodies[visit_id], posted_by[visit_id])
                        outcomes[visit_id].append(status)
                        if status in (200, 201):
                            break
                        time.sleep(1)
        health = requests.get(f"{base}/health/", timeout=5).status_code

    after = int(common.psql("SELECT count(*) FROM observations_visit"))
    from django.db import connections

    from observations.models import Visit

    connections.close_all()  # this process's own connection died with the restart
    stored = Visit.objects.filter(pk__in=list(outcomes)).count()
    # Every row created is one of the posted visits, each once (the id is the primary key).
    duplicates = (after - before) - stored
    statuses = collections.Counter(status for values in outcomes.values() for status in values)
    report = {
        "clients": CLIENTS,
        "workload": common.workload(observers),
        "requests_sent_by_role": dict(sent_by_role),
        "database_down_seconds": round(restarted_at - stopped_at, 1),
        "visits_posted": len(outcomes),
        "responses": {str(k): v for k, v in sorted(statuses.items())},
        "retried_after_recovery": retried,
        "rows_created": after - before,
        "posted_visits_stored": stored,
        "duplicates": duplicates,
        "non_json_or_traceback_5xx": len(bad_bodies),
        "health_after": health,
    }
    print(json.dumps(report, indent=2))
    for body in bad_bodies[:5]:
        print("BAD:", body)
    ok = stored == len(outcomes) and duplicates == 0 and not bad_bodies and health == 200
    print("RESULT:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
