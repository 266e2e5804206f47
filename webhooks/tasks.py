"""Celery tasks of the webhooks: send what is due (kicked after a commit and swept by beat), and
look for the events that happen by the clock."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import delivery, detect


@shared_task(name=delivery.SEND_TASK, acks_late=True, ignore_result=True)
def send_webhooks() -> int:
    """Send the due deliveries; a run takes new work for at most a sweep interval, so that a
    backlog is shared between workers and runs do not pile up."""
    return delivery.send_due(budget_seconds=settings.OASIS_WEBHOOK_SWEEP_SECONDS * 6)


@shared_task(acks_late=True, ignore_result=True)
def find_events() -> dict:
    return {
        "published_weeks": detect.announce_published_weeks(),
        "coverage_risks": detect.announce_coverage_risks(),
    }
