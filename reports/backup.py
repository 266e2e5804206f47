"""Backups that are known to restore.

`manage.py backup DIR` writes, from one consistent snapshot of the database:
- `database.dump`: `pg_dump --format=custom` (restore with `pg_restore`);
- `photos/`: every photo file the dump refers to, read through the photo storage (local or S3);
- `manifest.json`: the rows of every table, the figures every report is built from (per store,
  region, week and scope, as the reports show them), each photo's SHA-256, and the rollup
  refreshes still waiting in the outbox when the snapshot was taken.

`manage.py verify_backup DIR` restores the dump into a new scratch database, recomputes every
rollup there from the restored visits, and compares with the manifest: the same rows in every
table, the same report figures (recomputed, not copied), every photo present with its checksum.
It drops the scratch database afterwards and fails loudly on any difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from core.models import OutboxItem
from reports.models import RegionWeekRollup, StoreWeekRollup
from reports.tasks import ROLLUP_REFRESH
from reports.totals import mean_soi
from stores.models import Store

MANIFEST = "manifest.json"
DUMP = "database.dump"
PHOTOS = "photos"
FORMAT = 1


class BackupError(Exception):
    pass


def libpq_env(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """pg_dump's and pg_restore's connection, from Django's database settings (PG* variables:
    the password never appears on a command line)."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def table_counts() -> dict[str, int]:
    """Rows of every table of the project's models (many-to-many tables included)."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from the models)
            counts[table] = cursor.fetchone()[0]
    return counts


def _mean(total: float, n: int) -> float | None:
    return round(total / n, 1) if n else None


def _figures(row: Any) -> dict[str, Any]:
    """What a report shows of one rollup row, rounded as reports show it (one decimal)."""
    soi = mean_soi(row.n_visits, row.soi_sum)
    return {
        "n_visits": row.n_visits,
        "n_interactions": row.n_interactions,
        "soi": None if soi is None else round(soi, 1),
        "greeting": _mean(row.greeting_sum, row.greeting_n),
        "smile": _mean(row.smile_sum, row.smile_n),
        "hovering": _mean(row.hovering_sum, row.hovering_n),
        "response": _mean(row.response_sum, row.response_n),
        "greeted": row.n_greeted,
        "smiling": row.n_smiling,
        "hovering_interactions": row.n_hovering,
        "rubric_version": row.rubric_version,
        "greeting_seconds": row.greeting_seconds,
        "response_seconds": row.response_seconds,
    }


def report_figures() -> dict[str, dict[str, Any]]:
    """The figures of every store's and region's weeks, keyed `store:CODE:WEEK:SCOPE` and
    `region:CODE:WEEK:SCOPE`. Weeks without counted visits have no row, as in the reports."""
    figures: dict[str, dict[str, Any]] = {}
    for row in StoreWeekRollup.objects.select_related("store").order_by():
        if row.n_visits:
            seconds = {
                "greeting_seconds": sorted(row.greeting_seconds),
                "response_seconds": sorted(row.response_seconds),
            }
            figures[f"store:{row.store.code}:{row.week_start}:{row.scope}"] = {**_figures(row), **seconds}
    for row in RegionWeekRollup.objects.select_related("region").order_by():
        if row.n_visits:
            seconds = {
                "greeting_seconds": {str(k): v for k, v in sorted(row.greeting_seconds.items(), key=lambda kv: float(kv[0])) if v},
                "response_seconds": {str(k): v for k, v in sorted(row.response_seconds.items(), key=lambda kv: float(kv[0])) if v},
            }  # fmt: skip
            figures[f"region:{row.region.code}:{row.week_start}:{row.scope}"] = {**_figures(row), **seconds}
    return figures


def pending_refreshes() -> list[str]:
    """Store-weeks whose rollup refresh was still waiting in the outbox: their stored figures may
    lag the visits, so the recomputed ones are not compared with them (nor their regions')."""
    keys = OutboxItem.objects.filter(kind=ROLLUP_REFRESH).values_list("payload", flat=True)
    codes = dict(Store.objects.values_list("pk", "code"))
    regions = dict(Store.objects.values_list("code", "region__code"))
    pending = set()
    for payload in keys:
        code = codes.get(payload["store"])
        if code:
            pending.add(f"store:{code}:{payload['week']}")
            pending.add(f"region:{regions[code]}:{payload['week']}")
    return sorted(pending)


def photo_files() -> Iterator[Any]:
    Photo = apps.get_model("photos", "Photo")
    yield from Photo.objects.order_by("pk")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def copy_photos(target: Path) -> dict[str, str]:
    """Every photo file, read through its storage, to `target`; {name: sha256}."""
    checksums = {}
    for photo in photo_files():
        name = photo.image.name
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with photo.image.open("rb") as source, destination.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        checksums[name] = sha256_of(destination)
    return checksums


def backup(directory: Path) -> dict[str, Any]:
    """Dump, photos and manifest from one snapshot (see the module's doc)."""
    if connection.vendor != "postgresql":
        raise BackupError("backups are made with pg_dump: the database must be PostgreSQL")
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        # pg_dump reads the very snapshot this transaction sees, while it stays open.
        dump = subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={directory / DUMP}"],  # noqa: S607
            env=libpq_env(connection.settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {dump.stderr.strip()}")
        manifest = {
            "format": FORMAT,
            "taken_at": dt.datetime.now(dt.UTC).isoformat(),
            "tables": table_counts(),
            "reports": report_figures(),
            "pending_refreshes": pending_refreshes(),
            "photos": copy_photos(directory / PHOTOS),
        }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str))
    return manifest


@contextmanager
def scratch_database(name: str) -> Iterator[dict[str, Any]]:
    """A new, empty database on the same server, dropped afterwards."""
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield {**connection.settings_dict, "NAME": name}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def restore(directory: Path, settings_dict: Mapping[str, Any]) -> None:
    restored = subprocess.run(  # noqa: S603
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={settings_dict['NAME']}", str(directory / DUMP)],  # noqa: S607
        env=libpq_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed: {restored.stderr.strip()}")


def differences(manifest: Mapping[str, Any], restored: Mapping[str, Any], photo_dir: Path) -> list[str]:
    """What the restored database (its rollups recomputed) and the backup's photos lack or have
    otherwise than the manifest says."""
    found = []
    expected_tables, got_tables = manifest["tables"], restored["tables"]
    for table in sorted(expected_tables.keys() | got_tables.keys()):
        if expected_tables.get(table) != got_tables.get(table):
            found.append(
                f"table {table}: {expected_tables.get(table)} rows backed up, {got_tables.get(table)} restored"
            )
    pending = set(manifest.get("pending_refreshes", ()))
    expected, got = manifest["reports"], json.loads(json.dumps(restored["reports"], default=str))
    for key in sorted(expected.keys() | got.keys()):
        if key.rsplit(":", 1)[0] in pending:
            continue
        if expected.get(key) != got.get(key):
            found.append(f"report {key}: {expected.get(key)} at backup, {got.get(key)} recomputed from the restore")
    for name, checksum in sorted(manifest["photos"].items()):
        path = photo_dir / name
        if not path.is_file():
            found.append(f"photo {name}: missing from the backup")
        elif sha256_of(path) != checksum:
            found.append(f"photo {name}: its checksum differs")
    return found


def database_url(settings_dict: Mapping[str, Any]) -> str:
    from urllib.parse import quote

    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(settings_dict['NAME']), safe='')}"


def recomputed_state(settings_dict: Mapping[str, Any]) -> dict[str, Any]:
    """In a process of its own on the restored database: every rollup recomputed from the restored
    visits, then the table counts and report figures. Nothing reaches the live broker, cache or
    mail server."""
    from django.conf import settings

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update(
        {
            "DATABASE_URL": database_url(settings_dict),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "project.settings"),
        }
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "restored_state"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"recomputing the reports of the restore failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def verify(directory: Path, *, scratch_name: str) -> list[str]:
    """Restore `directory` into a scratch database and compare with its manifest (module's doc)."""
    manifest = json.loads((directory / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown manifest format {manifest.get('format')!r}")
    with scratch_database(scratch_name) as scratch:
        restore(directory, scratch)
        restored = recomputed_state(scratch)
    return differences(manifest, restored, directory / PHOTOS)
