"""A cache for rendered reports, invalidated by the rollups they are read from.

Every rollup change bumps a version for each week whose reports can show it (the week itself and
the 11 weeks whose 12-week trend includes it), after the change has committed; a rebuild bumps a
generation that invalidates everything. A report's cache key holds the versions of the weeks it
reads, so a changed figure is never served from the cache: the key it would be stored under is
simply no longer asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
    for key in keys:
        if not cache.add(key, 1, timeout=None):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=None)


def rollups_changed(weeks: Iterable[dt.date] | None) -> None:
    """Call inside the transaction that changed rollups of `weeks` (None: all weeks)."""
    if weeks is None:
        keys = [GENERATION_KEY]
    else:
        keys = sorted({_version_key(week + dt.timedelta(weeks=n)) for week in weeks for n in range(TREND_WEEKS)})
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
