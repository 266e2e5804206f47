"""CPU accounting for the benchmark scripts: the CPU time of this run's processes (and of the
machine's others, apart), whether the machine was idle before a run and whether it was disturbed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from bench.common import HOST

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
