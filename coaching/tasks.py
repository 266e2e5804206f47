"""Celery tasks of action plans: they take dates, call a service, and are safe to run twice. Their
e-mails go through the outbox (coaching.notices)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, ignore_result=True)
def open_plans_for_last_week(week: str | None = None) -> int:
    """Beat, Monday mornings: open the plans the last complete week calls for (once per store-week)."""
    if week:
        week_start = dt.date.fromisoformat(week)
    else:
        today = timezone.localdate()
        week_start = today - dt.timedelta(days=today.weekday(), weeks=1)
    return len(services.plans_open_for_week(week_start=week_start))


@shared_task(acks_late=True, ignore_result=True)
def remind_overdue_plans() -> int:
    return services.plan_reminders_due()
