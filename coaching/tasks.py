"""Celery tasks of action plans: they take dates, call a service, and are safe to run twice. Their
e-mails go through the outbox (coaching.notices)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def open_plans_for_published_weeks() -> int:
    """Beat, every 15 minutes: the plans of the store-weeks published since (once per store-week)."""
    return len(services.plans_open_for_published_weeks())


@shared_task(acks_late=True, ignore_result=True)
def remind_overdue_plans() -> int:
    return services.plan_reminders_due()
