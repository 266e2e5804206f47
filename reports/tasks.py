"""Celery tasks and follow-up work of reports: keeping the rollups current, and copying each store's
published weeks for its managers (`revisions`)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction

from core import outbox
from observations.events import VISIT_CHANGED

from . import revisions, rollups, standings

ROLLUP_REFRESH = "rollup_refresh"
WEEK_PUBLICATION = "week_publication"


def rollup_refresh(store_id: int, week_start: dt.date) -> outbox.Work:
    """The follow-up work of a change to a store-week's visits: one refresh however many changes."""
    return outbox.Work(
        ROLLUP_REFRESH, f"{store_id}:{week_start.isoformat()}", {"store": store_id, "week": week_start.isoformat()}
    )


@outbox.subscriber(VISIT_CHANGED)
def _store_week_changed(payload: dict) -> list[outbox.Work]:
    return [rollup_refresh(payload["store"], dt.date.fromisoformat(payload["week"]))]


@outbox.handler(ROLLUP_REFRESH, batch=True)
def _refresh_rollups(payloads: list[dict]) -> None:
    """Every store-week claimed together, in one set-based refresh."""
    rollups.refresh_store_weeks((p["store"], dt.date.fromisoformat(p["week"])) for p in payloads)


@shared_task(acks_late=True, ignore_result=True, time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def rebuild_all_rollups() -> int:
    """Nightly: recompute every store's rollups from the stored visits (repairs anything missed)."""
    return rollups.rebuild_all()


@shared_task(acks_late=True, ignore_result=True, time_limit=1800, soft_time_limit=1740)
def refresh_week_standings() -> int:
    """Quarter-hourly: the league statistics (shrinkage constant) of every recent week whose rollups
    changed since they were computed."""
    return standings.refresh_stale()


def week_publication(store_id: int, week_start: dt.date) -> outbox.Work:
    """Copy a store's weeks as published up to `week_start` (one copy however often it is recorded)."""
    return outbox.Work(
        WEEK_PUBLICATION, f"{store_id}:{week_start.isoformat()}", {"store": store_id, "week": week_start.isoformat()}
    )


@shared_task(acks_late=True, ignore_result=True)
def publish_due_weeks(now: str | None = None) -> int:
    """Run by beat every few minutes: record the copy of every store's newly published week (and of
    its weeks changed since) as outbox work, done by workers like any follow-up work."""
    moment = dt.datetime.fromisoformat(now) if now else None
    due = revisions.publications_due(moment)
    with transaction.atomic():
        outbox.record(*(week_publication(store_id, week) for store_id, week in due))
    return len(due)


@outbox.handler(WEEK_PUBLICATION, batch=True)
def _publish_weeks(payloads: list[dict]) -> None:
    """Every store claimed together, in one copy."""
    revisions.publish((p["store"], dt.date.fromisoformat(p["week"])) for p in payloads)
