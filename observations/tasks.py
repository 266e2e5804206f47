"""Celery tasks of observations: doing the follow-up work of the outbox, keeping rollups current."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from reports import rollups

from . import outbox

ROLLUP_REFRESH = "rollup_refresh"


def rollup_refresh(store_id: int, week_start: dt.date) -> outbox.Work:
    """The follow-up work of a change to a store-week's visits: one refresh however many changes."""
    return outbox.Work(
        ROLLUP_REFRESH, f"{store_id}:{week_start.isoformat()}", {"store": store_id, "week": week_start.isoformat()}
    )


@outbox.handler(ROLLUP_REFRESH, batch=True)
def _refresh_rollups(payloads: list[dict]) -> None:
    """Every store-week claimed together, in one set-based refresh."""
    rollups.refresh_store_weeks((p["store"], dt.date.fromisoformat(p["week"])) for p in payloads)


@shared_task(acks_late=True, ignore_result=True)
def run_outbox(ids: list[int] | None = None) -> int:
    """The kick after a commit: do whatever is due, the work of the commits since the last kick
    with it (`ids`, the kicking commit's own items, are among it; the sweep covers a lost kick)."""
    return outbox.run()


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Run by beat every OASIS_OUTBOX_SWEEP_SECONDS: whatever is due and no worker is doing."""
    return outbox.run(limit=100_000)


@shared_task(acks_late=True, ignore_result=True, time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def rebuild_all_rollups() -> int:
    """Nightly: recompute every store's rollups from the stored visits (repairs anything missed)."""
    return rollups.rebuild_all()
