"""Real processes for tests that need them: a Celery worker (with its beat) and the app under gunicorn,
sharing the test's PostgreSQL database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "the condition") -> None:
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Process:
    """A subprocess in its own process group, so that a kill reaches its children too."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.command = command
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project.settings_test",
            "DATABASE_URL": shared_database_url(),
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True)
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def celery_worker(queue: str, *, beat_schedule: Path | None = None, env: dict[str, str] | None = None) -> Process:
    """A worker on `queue` of the configured broker; with `beat_schedule`, its beat runs embedded."""
    command = [sys.executable, "-m", "celery", "-A", "project", "worker", "-P", "solo", "-Q", queue,
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]  # fmt: skip
    if beat_schedule is not None:
        command += ["-B", "-s", str(beat_schedule)]
    return Process(command, {"CELERY_TASK_DEFAULT_QUEUE": queue, **(env or {})})


def app_server(port: int, env: dict[str, str] | None = None) -> Process:
    """The app under gunicorn on 127.0.0.1:`port`."""
    command = [sys.executable, "-m", "gunicorn", "project.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--threads", "4", "--log-level", "warning"]  # fmt: skip
    return Process(command, env or {})


def answers(url: str) -> bool:
    try:
        requests.get(url, timeout=5)
    except requests.RequestException:
        return False
    return True
