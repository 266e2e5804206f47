"""Celery tasks of observations: keeping the report rollups up to date."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from reports import rollups


def rollup_refresh_key(store_id: int, week_start: dt.date) -> str:
    return f"rollup-refresh:{store_id}:{week_start.isoformat()}"


def queue_rollup_refresh(store_id: int, week_start: dt.date) -> None:
    """Queue one refresh per store-week and short window (OASIS_ROLLUP_REFRESH_DELAY): while one is
    waiting, further changes to the same store-week ride along with it (the refresh recomputes
    from the stored rows). The marker outlives the window, so a lost task blocks nothing for long."""
    delay = settings.OASIS_ROLLUP_REFRESH_DELAY
    if cache.add(rollup_refresh_key(store_id, week_start), 1, timeout=delay + 60):
        refresh_rollup.apply_async((store_id, week_start.isoformat()), countdown=delay)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def refresh_rollup(store_id: int, week_start: str) -> None:
    week = dt.date.fromisoformat(week_start)
    # Clear the marker first: a change committed from now on queues a refresh of its own.
    cache.delete(rollup_refresh_key(store_id, week))
    rollups.refresh_store_week(store_id, week)


@shared_task(acks_late=True, ignore_result=True, time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def rebuild_all_rollups() -> int:
    """Nightly: recompute every store's rollups from the stored visits (repairs anything missed)."""
    return rollups.rebuild_all()
