"""The production stack as the README starts it (`bin/serve`: gunicorn, a Celery worker and exactly one
beat under honcho, production settings): it answers, a visit recorded through the API reaches the
report through the worker, and stopping it leaves no process behind. It refuses to start, with a
clear message, when PostgreSQL or Redis cannot be reached or SECRET_KEY is missing."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from django.conf import settings
from django.db import connection

from api.tokens import device_token_issue

from ..api.conftest import visit_body
from ..processes import ROOT, answers, free_port, shared_database_url, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

SERVE = str(ROOT / "bin" / "serve")


@pytest.fixture(autouse=True)
def needs_broker_and_postgres():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker: set CELERY_BROKER_URL (CI uses redis://127.0.0.1:6379/0)")
    if connection.vendor != "postgresql":
        pytest.skip("the stack needs a database it can share with the test: PostgreSQL")


def stack_env(tmp_path: Path, port: int, **overrides: str) -> dict[str, str]:
    """The production settings (not the tests'), on this test's database, broker queue and port."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OASIS_", "CELERY_", "PYTEST", "DEBUG"))
    }
    env.update(
        {
            "PYTHON": sys.executable,
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "SECRET_KEY": settings.SECRET_KEY,  # tokens issued by the test are bound to it
            "DATABASE_URL": shared_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": f"stack-{uuid.uuid4().hex[:12]}",
            "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback, as behind a TLS-terminating proxy.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "OASIS_OUTBOX_SWEEP_SECONDS": "2",
            "OASIS_METRICS_TOKEN": "stack-test-metrics-token",
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(overrides)
    return env


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def stack(tmp_path):
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str]) -> subprocess.Popen:
        log = (tmp_path / "stack.log").open("wb")
        process = subprocess.Popen(
            [SERVE], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        started.append(process)
        return process

    yield start
    for process in started:  # a failed test still leaves nothing running (honcho's children have sessions of their own)
        for pid in [*descendants(process.pid), process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_stack_serves_records_a_visit_that_the_worker_refreshes_and_stops_without_orphans(
    stack, tmp_path, store, shopper, supervisor
):
    _, shopper_token = device_token_issue(user=shopper)
    _, supervisor_token = device_token_issue(user=supervisor)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = stack(stack_env(tmp_path, port))
    wait_for(lambda: answers(f"{base}/health/live/") or serve.poll() is not None, 90, "the stack to answer")
    assert serve.poll() is None, (tmp_path / "stack.log").read_text()

    below = descendants(serve.pid)
    beats = [pid for pid in below if " beat " in command_line(pid)]
    workers = [pid for pid in below if " worker " in command_line(pid) and "celery" in command_line(pid)]
    assert len(beats) == 1
    assert workers

    body = visit_body(store=store.code)
    created = requests.post(
        f"{base}/api/v1/visits/", json=body, headers={"Authorization": f"Token {shopper_token}"}, timeout=10
    )
    assert created.status_code == 201, created.text

    local = dt.datetime.fromisoformat(body["started_at"]).astimezone(ZoneInfo(store.timezone))
    year, week, _ = local.isocalendar()

    def visits_in_report() -> int:
        answer = requests.get(
            f"{base}/api/v1/reports/stores/{store.code}/weekly/?week={year}-W{week:02d}",
            headers={"Authorization": f"Token {supervisor_token}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["n_visits"]

    wait_for(lambda: visits_in_report() == 1, 60, "the report to count the visit")
    # Rejecting it leaves the store-week's refresh to the worker (follow-up work in the outbox).
    rejected = requests.post(
        f"{base}/api/v1/visits/{body['id']}/review/",
        json={"decision": "reject", "note": "Not this store."},
        headers={"Authorization": f"Token {supervisor_token}", "X-Request-ID": "stack-test-review-1"},
        timeout=10,
    )
    assert rejected.status_code == 200, rejected.text
    wait_for(lambda: visits_in_report() == 0, 60, "the worker to refresh the store's week")
    # The worker logged the refresh under the id of the request that recorded it.
    lines = [json.loads(line) for line in (tmp_path / "stack.log").read_text().splitlines() if line.startswith("{")]
    assert any(line["logger"] == "core.outbox" and line["request_id"] == "stack-test-review-1" for line in lines)

    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=30) is not None
    wait_for(lambda: not any(alive(pid) for pid in below), 15, "every process of the stack to end")
    assert not answers(f"{base}/health/live/")


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"SECRET_KEY": ""}, "the settings are incomplete: SECRET_KEY must be set"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:{port}/oasis"}, "the database (postgresql at 127.0.0.1:{port}/oasis) does not answer"),
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:{port}/0"}, "the broker (redis://127.0.0.1:{port}/0) does not answer"),
        ({"REDIS_URL": "redis://127.0.0.1:{port}/1"}, "the cache (redis://127.0.0.1:{port}/1) does not answer"),
    ],
    ids=["secret_key_missing", "postgresql_unreachable", "broker_unreachable", "cache_unreachable"],
)  # fmt: skip
def test_stack_refuses_to_start_and_says_why(stack, tmp_path, broken, message):
    closed_port = free_port()  # nothing listens there
    web_port = free_port()
    env = stack_env(tmp_path, web_port, **{key: value.format(port=closed_port) for key, value in broken.items()})
    serve = stack(env)
    assert serve.wait(timeout=60) == 1
    output = (tmp_path / "stack.log").read_text()
    assert f"service-oasis: cannot start: {message.format(port=closed_port)}" in output
    assert "Traceback" not in output
    assert not answers(f"http://127.0.0.1:{web_port}/health/live/")
