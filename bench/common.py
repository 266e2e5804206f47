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
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
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


@contextlib.contextmanager
def celery_beat():
    """Celery beat on its own, as in production (`celery -A project beat`: exactly one)."""
    with tempfile.TemporaryDirectory() as schedule:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "celery"), "-A", "project", "beat", "-l", "WARNING",
             "-s", str(Path(schedule) / "beat-schedule")],
            cwd=ROOT, env=env(), start_new_session=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def outbox_table() -> str:
    """The outbox's table, wherever its model lives."""
    django_setup()
    from django.apps import apps

    return next(model for model in apps.get_models() if model.__name__ == "OutboxItem")._meta.db_table


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


@dataclass(frozen=True)
class Observer:
    """One account posting visits in a benchmark: its role, API token and the store codes it posts to."""

    role: str
    token: str
    stores: tuple[str, ...]


def bench_observers(
    shoppers: int = 100, supervisors: int = 5, stores: int = 200, per_shopper: int = 2
) -> list[Observer]:
    """The phones' real workload: `shoppers` mystery shoppers, each assigned `per_shopper` of the
    first `stores` active stores (each store gets a shopper; the assignment is the user's `stores`,
    which is what lets a shopper record there), and a few supervisors of every region walking any
    of those stores. Each has their own API token (their own write throttle). A request picks one
    observer at random, so the supervisors' share of the requests is supervisors / (shoppers +
    supervisors), 4.8 % with the defaults."""
    django_setup()
    from api.tokens import device_token_issue
    from stores.models import Region, Role, Store, User

    codes = list(Store.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)[:stores])
    ids = dict(Store.objects.filter(code__in=codes).values_list("code", "pk"))
    regions = list(Region.objects.all())
    observers = []
    for number in range(shoppers):
        user, _ = User.objects.get_or_create(username=f"bench-shopper-{number + 1}", defaults={"role": Role.SHOPPER})
        if user.role != Role.SHOPPER:
            raise RuntimeError(f"{user.username} exists with the role {user.role}")
        mine = tuple(codes[(number * per_shopper + k) % len(codes)] for k in range(per_shopper))
        user.stores.set([ids[code] for code in mine])
        observers.append(Observer(Role.SHOPPER.value, device_token_issue(user=user, device="bench")[1], mine))
    for number in range(supervisors):
        user, _ = User.objects.get_or_create(username=f"bench-walker-{number + 1}", defaults={"role": Role.SUPERVISOR})
        user.regions.set(regions)
        observers.append(
            Observer(Role.SUPERVISOR.value, device_token_issue(user=user, device="bench")[1], tuple(codes))
        )
    return observers


def workload(observers: list[Observer]) -> dict:
    """What the observers are, for a benchmark's output."""
    roles: dict[str, int] = {}
    for observer in observers:
        roles[observer.role] = roles.get(observer.role, 0) + 1
    return {
        "observers_by_role": roles,
        "stores": len({code for observer in observers for code in observer.stores}),
        "stores_per_observer": {role: sorted({len(o.stores) for o in observers if o.role == role}) for role in roles},
    }


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


def machine_speed() -> dict:
    """How fast this machine runs a fixed piece of Python and a fixed PostgreSQL statement (the
    best of 7 runs each, milliseconds): two machines of the same kind can differ by twice in
    both, so a figure in milliseconds is read beside these (ratios against baselines timed in the
    same run are not affected)."""

    def python_work() -> int:
        total = 0
        for number in range(300_000):
            total += number * number % 7
        return total

    timings = []
    for _ in range(7):
        started = time.perf_counter()
        python_work()
        timings.append((time.perf_counter() - started) * 1000)
    sql = "SELECT count(*) FROM (SELECT md5(i::text) FROM generate_series(1, 200000) AS i ORDER BY 1) AS sorted"
    import psycopg

    database = []
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=BENCH_DB, autocommit=True) as connection:
        for _ in range(7):
            started = time.perf_counter()
            connection.execute(sql).fetchall()
            database.append((time.perf_counter() - started) * 1000)
    return {
        "python_loop_ms": round(min(timings), 1),
        "postgres_sort_ms": round(min(database), 1),
        "what": "best of 7: a 300,000-step Python loop; PostgreSQL sorting 200,000 md5 strings",
    }
