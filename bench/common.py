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


TICKS = os.sysconf("SC_CLK_TCK")
# PostgreSQL's and Redis's own processes serve every database and client on the machine at once:
# neither this run's nor another's. Counted apart ("shared"), never as this run's cost.
_PG_SHARED = ("checkpointer", "background", "walwriter", "autovacuum", "logical", "archiver", "stats", "startup")


def _read_processes() -> dict[int, tuple[int, int, int, float, str]]:
    """pid -> (ppid, session, start time, user + system CPU seconds, command line) of every process."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(pid)] = (
            int(fields[1]),
            int(fields[3]),
            int(fields[19]),
            (int(fields[11]) + int(fields[12])) / TICKS,
            "",
        )
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _machine_ticks() -> dict[str, float]:
    """Seconds the machine's CPUs spent, by kind, since boot (/proc/stat's first line)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return {"processes": (user + nice + system) / TICKS, "irq": (irq + softirq) / TICKS, "steal": steal / TICKS,
            "idle": (idle + iowait) / TICKS}  # fmt: skip


# PostgreSQL backends of the benchmark's own bookkeeping connections (row counts): "bench", not
# the database's work for the application.
BENCH_BACKENDS: set[int] = set()


class Counter:
    """Row counts of a database through one connection kept open (a psql per count would start a
    backend each time, which the meter would count as the database's work)."""

    def __init__(self, database: str):
        import psycopg

        self.connection = psycopg.connect(host=HOST, user="postgres", dbname=database, autocommit=True)
        BENCH_BACKENDS.add(self.connection.info.backend_pid)

    def rows(self, table: str) -> int:
        return self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (a fixed table)

    def close(self) -> None:
        BENCH_BACKENDS.discard(self.connection.info.backend_pid)
        self.connection.close()


def wait_idle(pids: list[int], timeout: float = 180.0) -> float:
    """Until the processes of these sessions (a worker, beat) have used under 2 % of a core for
    two seconds: a Celery worker goes on importing and connecting after it was started, and that
    start-up is not the work of the window that follows. Returns the seconds waited."""
    started = time.monotonic()

    def spent() -> float:
        return sum(cpu for _ppid, sid, _start, cpu, _ in _read_processes().values() if sid in pids)

    before = spent()
    while time.monotonic() - started < timeout:
        time.sleep(2)
        now = spent()
        if now - before < 0.04:
            break
        before = now
    return round(time.monotonic() - started, 1)


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


class CpuMeter:
    """CPU seconds spent while it runs, counted per process from /proc, by whom:

    - this run's own kinds: the processes of each session started here (`{"gunicorn": pid}`: a
      server, a worker, beat) and the PostgreSQL backends connected to each of this run's
      databases (`{"postgres": "oasis_bench"}`);
    - "bench": the benchmark's own tools (this script, wrk, pgbench, psql: its descendants);
    - "shared": PostgreSQL's background processes (WAL writer, checkpointer, ...) and Redis, which
      serve this run and everyone else's at once;
    - "foreign": everything else the machine's processes did (other people's tests, servers,
      databases): the machine's process time from /proc/stat minus all of the above, so that
      processes that start and end between two samples count too.

    It samples every half second (a process that ends meanwhile counts up to its last sample) and
    records the load average. `disturbed` says whether foreign processes used more than
    DISTURBED_SHARE of one core on average: such a window's figures are not to be published.

        with CpuMeter({"gunicorn": server.pid}, {"postgres": "oasis_bench"}) as meter: ...
        meter.spent    # {"gunicorn": 12.3, "postgres": 1.2}
        meter.machine  # {"foreign_core_pct": 3.1, "load_avg_mean": 5.2, "disturbed": False, ...}
    """

    DISTURBED_SHARE = 0.10

    def __init__(self, sessions: dict[str, int], databases: dict[str, str]):
        self.sessions, self.databases = sessions, databases
        self._kind_of: dict[tuple[int, int], str] = {}  # (pid, start time) -> kind
        self.first: dict[tuple[int, int], float] = {}
        self.last: dict[tuple[int, int], tuple[str, float]] = {}
        self.loads: list[float] = []
        self._stop = threading.Event()

    def _classify(self, pid: int, ppid: int, session: int, processes: dict) -> str:
        by_session = {sid: kind for kind, sid in self.sessions.items()}
        if session in by_session:
            return by_session[session]
        if pid in BENCH_BACKENDS:
            return "bench"
        command = _command(pid)
        if command.startswith("postgres: "):
            # backends: "postgres: 15/main: <user> <database> <client> <state>"; PostgreSQL's own
            # processes: "postgres: 15/main: checkpointer", "... autovacuum worker <database>"
            words = command.split()[2:]
            if words[:2] == ["autovacuum", "worker"]:
                return "shared" if words[-1] in self.databases.values() else "foreign"
            if words and words[0] in _PG_SHARED:
                return "shared"
            for kind, database in self.databases.items():
                if len(words) > 1 and words[1] == database:
                    return kind
            return "foreign"
        if command.startswith(("/usr/lib/postgresql/", "redis-server", "/usr/bin/redis-server")):
            return "shared"
        ancestor, seen = pid, 0
        while ancestor > 1 and seen < 64:
            if ancestor == os.getpid():
                return "bench"
            ancestor = processes.get(ancestor, (1,))[0]
            seen += 1
        return "foreign"

    def _sample(self) -> dict[tuple[int, int], tuple[str, float]]:
        processes = _read_processes()
        sample = {}
        for pid, (ppid, session, started, seconds, _) in processes.items():
            key = (pid, started)
            if key not in self._kind_of:
                self._kind_of[key] = self._classify(pid, ppid, session, processes)
            sample[key] = (self._kind_of[key], seconds)
        self.loads.append(load_average())
        return sample

    def __enter__(self) -> CpuMeter:
        self._machine_start, self._wall_start = _machine_ticks(), time.monotonic()
        self.first = {key: seconds for key, (_kind, seconds) in self._sample().items()}
        self.last = {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.last.update(self._sample())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.last.update(self._sample())
        self._machine_end, self._wall_end = _machine_ticks(), time.monotonic()

    def _by_kind(self) -> dict[str, float]:
        spent: dict[str, float] = {}
        for key, (kind, seconds) in self.last.items():
            spent[kind] = spent.get(kind, 0.0) + seconds - self.first.get(key, 0.0)
        return spent

    @property
    def spent(self) -> dict[str, float]:
        """CPU seconds of this run's own kinds (the sessions and databases given)."""
        by_kind = self._by_kind()
        return {kind: by_kind.get(kind, 0.0) for kind in [*self.sessions, *self.databases]}

    @property
    def machine(self) -> dict:
        """What else the machine did meanwhile: foreign and shared CPU as percent of one core, the
        load average (mean and highest of the samples), and whether the window was disturbed."""
        wall = max(self._wall_end - self._wall_start, 1e-9)
        by_kind = self._by_kind()
        own = sum(seconds for kind, seconds in by_kind.items() if kind not in ("foreign", "shared", "bench"))
        processes = self._machine_end["processes"] - self._machine_start["processes"]
        foreign = max(0.0, processes - own - by_kind.get("shared", 0.0) - by_kind.get("bench", 0.0))
        pct = lambda seconds: round(100 * seconds / wall, 1)  # noqa: E731
        return {
            "seconds": round(wall, 1),
            "own_core_pct": pct(own),
            "bench_tools_core_pct": pct(by_kind.get("bench", 0.0)),
            "shared_core_pct": pct(by_kind.get("shared", 0.0)),
            "foreign_core_pct": pct(foreign),
            "foreign_processes_core_pct": pct(by_kind.get("foreign", 0.0)),
            "irq_core_pct": pct(self._machine_end["irq"] - self._machine_start["irq"]),
            "steal_core_pct": pct(self._machine_end["steal"] - self._machine_start["steal"]),
            "load_avg_mean": round(sum(self.loads) / max(len(self.loads), 1), 2),
            "load_avg_max": round(max(self.loads, default=0.0), 2),
            "disturbed": foreign / wall > self.DISTURBED_SHARE,
        }


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
