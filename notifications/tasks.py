"""Celery tasks for e-mails: they take ids, call a service, and are safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from core import outbox
from observations.events import VISIT_COUNTED
from stores.services import SET_PASSWORD_EMAIL

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


@shared_task(bind=True, acks_late=True, ignore_result=True, **RETRY)
def deliver_report(self, delivery_id: int) -> str:
    try:
        return services.deliver_report(delivery_id)
    except services.DeliveryBusy as busy:  # another sender's claim: look again when it has expired
        raise self.retry(countdown=busy.retry_in) from busy


LOW_SCORE_ALERT = "low_score_alert"
ALERT_EMAIL = "alert_email"


def low_score_alert(visit_id) -> outbox.Work:
    """The follow-up work of a visit that counts with an SOI below the alert threshold."""
    return outbox.Work(LOW_SCORE_ALERT, str(visit_id), {"visit": str(visit_id)})


@outbox.subscriber(VISIT_COUNTED)
def _visit_counted(payload: dict) -> list[outbox.Work]:
    """A counted visit scoring low alerts (decided again when the alert is raised: it may have changed)."""
    return [low_score_alert(payload["visit"])] if services.is_low_score(payload["soi"]) else []


@outbox.handler(LOW_SCORE_ALERT)
def _raise_alerts(payload: dict) -> None:
    """One alert row per recipient, each to be sent as work of its own (a failed send retries alone)."""
    alert_ids = services.alerts_for_visit(payload["visit"])
    outbox.record(*(outbox.Work(ALERT_EMAIL, str(pk), {"alert": pk}) for pk in alert_ids))


@outbox.handler(ALERT_EMAIL, transactional=False)
def _send_alert(payload: dict) -> bool:
    try:
        services.deliver_alert(payload["alert"])
    except services.DeliveryFailed:
        return False  # recorded on the alert; the outbox tries again with backoff
    return True


@outbox.handler(SET_PASSWORD_EMAIL, transactional=False)
def _send_set_password_email(payload: dict) -> bool:
    try:
        services.deliver_set_password(invite=payload["invite"], user_id=payload["user"])
    except services.DeliveryFailed:
        return False  # recorded on the row; the outbox tries again with backoff
    return True
