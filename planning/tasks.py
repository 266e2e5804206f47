"""Celery tasks of planning: thin, safe to run twice (the sweep locks what it changes, and every
e-mail goes through the outbox to a row that exists once)."""

from __future__ import annotations

from celery import shared_task

from . import followup


@shared_task(acks_late=True, ignore_result=True)
def sweep_assignments() -> dict:
    """Run by beat every 15 minutes: overdue marking, reminders, re-offers (planning.followup)."""
    result = followup.sweep()
    return {"overdue": len(result.overdue), "reminded": len(result.reminded), "reoffered": len(result.reoffered)}
