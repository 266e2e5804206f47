"""Celery tasks for e-mails: they take ids, call a service, and are safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services

RETRY = {
    "autoretry_for": (services.DeliveryFailed,),
    "retry_backoff": 60,  # 1, 2, 4 ... minutes
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(acks_late=True, ignore_result=True)
def queue_weekly_reports(now: str | None = None) -> int:
    """Run by beat every 15 minutes: queue the reports that are due (Monday 07:00 store-local time)."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    due = services.weekly_report_deliveries_due(moment)
    for delivery_id in due:
        deliver_report.delay(delivery_id)
    return len(due)


@shared_task(acks_late=True, ignore_result=True, **RETRY)
def deliver_report(delivery_id: int) -> str:
    return services.deliver_report(delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def alert_low_soi(visit_id: str) -> int:
    alerts = services.alerts_for_visit(visit_id)
    for alert_id in alerts:
        deliver_alert.delay(alert_id)
    return len(alerts)


@shared_task(acks_late=True, ignore_result=True, **RETRY)
def deliver_alert(alert_id: int) -> str:
    return services.deliver_alert(alert_id)
