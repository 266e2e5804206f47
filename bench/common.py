"""Shared helpers for the benchmark scripts: a PostgreSQL database of their own, a gunicorn server
on 127.0.0.1, API tokens, and visit payloads."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BENCH_DB = os.environ.get("BENCH_DB", "oasis_bench")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/10")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8150"))


def env(**extra: str) -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        PYTHONPATH=str(ROOT),
    )
    # As in production: rollup refreshes and e-mails are Celery tasks on a broker, not in the request.
    values["CELERY_BROKER_URL"] = BROKER_URL
    values["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    values.update(extra)
    return values


def manage(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env(), check=True, **kwargs)


def ensure_database() -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", f"CREATE DATABASE {BENCH_DB}"],
        capture_output=True,
        check=False,
    )
    manage("migrate", "--noinput", "-v", "0")


def psql(sql: str) -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", BENCH_DB, "-Atqc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def django_setup() -> None:
    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Server(str):
    """The base URL of a server started here; `.pid` is its master (and session leader)."""

    pid: int


@contextlib.contextmanager
def gunicorn(
    workers: int = 5,
    access_log: str | None = None,
    app: str = "project.wsgi",
    port: int | None = None,
    ready_path: str = "/health/",
    **extra_env: str,
):
    """gunicorn for 2 cores: 2 * cores + 1 sync workers; `access_log`: a file getting one line per
    answer, "<status> <method> <path>" (the server's own count of what it answered). Yields the
    base URL; the server's processes form a session of their own (`cpu_seconds`)."""
    port = port or PORT
    logging = ["--access-logfile", access_log, "--access-logformat", "%(s)s %(m)s %(U)s"] if access_log else []
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            app,
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--timeout",
            "60",
            *logging,
        ],
        cwd=ROOT,
        env=env(**extra_env),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}{ready_path}", timeout=15)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except Exception as error:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn did not come up: {error!r}") from None
                time.sleep(0.3)
        server = Server(f"http://{HOST}:{port}")
        server.pid = process.pid
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)


@contextlib.contextmanager
def celery_worker(concurrency: int = 1, beat: bool = True):
    """A worker with its beat (as in production: the beat sweeps the outbox every few seconds)."""
    with tempfile.TemporaryDirectory() as schedule:
        beat_args = ["-B", "-s", str(Path(schedule) / "beat-schedule")] if beat else []
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "celery"), "-A", "project", "worker", "-c", str(concurrency), "-l", "WARNING",
             "--without-gossip", "--without-mingle", *beat_args],
            cwd=ROOT, env=env(), start_new_session=True, stdout=subprocess.DEVNULL,  # the results go to stdout
        )  # fmt: skip
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_by_process(sessions: dict[str, int], databases: dict[str, str]) -> dict[int, tuple[str, float]]:
    found = {}
    by_session = {sid: kind for kind, sid in sessions.items()}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        kind = by_session.get(int(fields[3]))
        if kind is None and command.startswith("postgres: "):
            # "postgres: 15/main: <user> <database> <client> <state>"
            words = command.split()
            kind = next((k for k, db in databases.items() if len(words) > 4 and words[3] == db), None)
        if kind is not None:
            found[int(pid)] = (kind, (int(fields[11]) + int(fields[12])) / TICKS)
    return found


class CpuMeter:
    """User + system CPU seconds spent while it runs by the processes of each session (a server or
    worker started by these scripts: `{"gunicorn": pid}`), and by the PostgreSQL backends connected
    to each database (`{"postgres": "oasis_bench"}`). It samples /proc every half second, so that
    processes that end meanwhile (pgbench's backends) still count up to their last sample. Other
    helpers' processes and databases on the same machine are not counted; neither are PostgreSQL's
    shared background processes (WAL writer, checkpointer), which serve every database at once.

        with CpuMeter({"gunicorn": server.pid}, {"postgres": "oasis_bench"}) as meter: ...
        meter.spent  # {"gunicorn": 12.3, "postgres": 1.2}
    """

    def __init__(self, sessions: dict[str, int], databases: dict[str, str]):
        self.sessions, self.databases = sessions, databases
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        for pid, (kind, seconds) in _cpu_by_process(self.sessions, self.databases).items():
            self.last[pid] = (kind, seconds)

    def __enter__(self) -> CpuMeter:
        self.first = {pid: seconds for pid, (_kind, seconds) in _cpu_by_process(self.sessions, self.databases).items()}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def spent(self) -> dict[str, float]:
        spent = dict.fromkeys([*self.sessions, *self.databases], 0.0)
        for pid, (kind, seconds) in self.last.items():
            spent[kind] += seconds - self.first.get(pid, 0.0)
        return spent


def bench_user_tokens(n: int = 1) -> tuple[list[str], list[str]]:
    """`n` supervisors of every region (so the load spreads over all stores) and their API tokens.
    Several observers, as in the field: each one's write throttle and history stay their own."""
    django_setup()
    from api.tokens import device_token_issue
    from stores.models import Region, Role, Store, User

    regions = list(Region.objects.all())
    keys = []
    for number in range(1, n + 1):
        username = "bench-supervisor" if number == 1 else f"bench-supervisor-{number}"
        user, _ = User.objects.get_or_create(username=username, defaults={"role": Role.SUPERVISOR})
        user.regions.set(regions)
        keys.append(device_token_issue(user=user, device="bench")[1])
    stores = list(Store.objects.filter(is_active=True).values_list("code", flat=True))
    return keys, stores


def bench_user_token() -> tuple[str, list[str]]:
    tokens, stores = bench_user_tokens(1)
    return tokens[0], stores


def visit_payload(store: str, visit_id: uuid.UUID | None = None, rng: random.Random | None = None) -> dict:
    rng = rng or random.Random()
    started = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    interactions = []
    for _ in range(3):
        greeted, asked = rng.random() < 0.85, rng.random() < 0.5
        interactions.append(
            {
                "greeted": greeted,
                "greeting_seconds": rng.randint(3, 120) if greeted else None,
                "greeting_personal": greeted and rng.random() < 0.5,
                "smile": rng.randint(1, 5),
                "unsolicited_approaches": rng.randint(0, 3),
                "followed": rng.random() < 0.2,
                "asked": asked,
                "response_seconds": rng.randint(5, 240) if asked else None,
                "response_quality": rng.randint(1, 5) if asked else None,
                "special_request": asked and rng.random() < 0.3,
                "notes": "",
            }
        )
    return {
        "id": str(visit_id or uuid.uuid4()),
        "store": store,
        "started_at": started.isoformat(),
        "ended_at": (started + dt.timedelta(minutes=20)).isoformat(),
        "notes": "benchmark",
        "interactions": interactions,
    }


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
