"""Celery tasks of action plans: they take ids or dates, call a service, and are safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import notices, services

RETRY = {
    "autoretry_for": (notices.NoticeFailed,),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(acks_late=True, ignore_result=True, **RETRY)
def deliver_notice(notice_id: int) -> str:
    return notices.deliver(notice_id)


@shared_task(acks_late=True, ignore_result=True)
def send_pending_notices() -> int:
    """Beat sweep: notices whose queueing failed (broker down) or whose worker died."""
    ids = notices.pending()
    for notice_id in ids:
        deliver_notice.delay(notice_id)
    return len(ids)


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
