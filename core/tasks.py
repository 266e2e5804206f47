"""Celery tasks of the outbox: the kick after a commit and the beat sweep."""

from __future__ import annotations

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, ignore_result=True)
def run_outbox(ids: list[int] | None = None) -> int:
    """The kick after a commit: do whatever is due, the work of the commits since the last kick
    with it (`ids`, the kicking commit's own items, are among it; the sweep covers a lost kick)."""
    return outbox.run()


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Run by beat every OASIS_OUTBOX_SWEEP_SECONDS: whatever is due and no worker is doing."""
    return outbox.run(limit=100_000)
