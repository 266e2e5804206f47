"""A cache for rendered reports, invalidated by the rollups they are read from.

Every rollup change gives each changed week a new version, after the change has committed; a
rebuild gives the generation a new one, which invalidates everything. A report's cache key holds
the versions of all the weeks it reads (its own and the 11 before it that its 12-week trend
shows), so a changed figure is never served from the cache: the key it would be stored under is
simply no longer asked for. Versions only need to differ, so a change writes a fresh random one:
one cache write, whatever was there before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

TREND_WEEKS = 12
TIMEOUT = 24 * 3600
GENERATION_KEY = "report-generation"


def _version_key(week: dt.date) -> str:
    return f"report-week-version:{week.isoformat()}"


def weeks_read(weeks: Iterable[dt.date]) -> set[dt.date]:
    """The weeks a report over `weeks` reads: those weeks and the trend before the last one."""
    weeks = set(weeks)
    last = max(weeks)
    return weeks | {last - dt.timedelta(weeks=n) for n in range(TREND_WEEKS)}


def _bump(keys: list[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def rollups_changed(weeks: Iterable[dt.date] | None) -> None:
    """Call inside the transaction that changed rollups of `weeks` (None: all weeks)."""
    keys = [GENERATION_KEY] if weeks is None else sorted({_version_key(week) for week in weeks})
    transaction.on_commit(lambda: _bump(keys))


def cached(parts: Iterable[str], weeks: Iterable[dt.date], compute: Callable[[], bytes]) -> bytes:
    """The rendered report for `parts` (everything else it depends on), from the cache or computed."""
    read = sorted(weeks_read(weeks))
    version_keys = [GENERATION_KEY, *(_version_key(week) for week in read)]
    versions = cache.get_many(version_keys)
    fingerprint = "|".join([*parts, *(f"{key}={versions.get(key, 0)}" for key in version_keys)])
    key = "report:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = compute()
        cache.set(key, body, timeout=TIMEOUT)
    return body
