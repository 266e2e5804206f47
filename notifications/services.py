"""Which e-mails are due, and sending each exactly once.

Exactly once, as far as e-mail allows: a delivery row exists before anything is sent (unique per
report, week and recipient, or per visit and recipient); sending happens while that row is locked
(SELECT ... FOR UPDATE SKIP LOCKED) and is marked sent in the same transaction. A doubled beat or
a second task finds the row locked or sent and does nothing. A worker killed before the mail left
rolls the transaction back, and the redelivered task (acks_late, reject_on_worker_lost) sends it.
The one window left is a worker killed after the mail server accepted the message and before the
commit: that recipient gets the mail twice. No protocol closes that window without the mail
server's help; it is as narrow as one COMMIT.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from observations.models import Visit
from reports.publication import published_at, published_everywhere_at
from stores.models import Role, Store, User
from stores.selectors import supervisors_of

from . import emails
from .models import DeliveryStatus, ReportDelivery, ReportKind, VisitAlert

SEND_HOUR = 7  # Monday 07:00 local time
CATCH_UP = dt.timedelta(hours=24)  # a beat that was down at 07:00 still sends until Tuesday 07:00


class DeliveryFailed(Exception):
    pass


# A delivery row still to send (a failed one is tried again).
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def _due_week(
    now: dt.datetime, tz: zoneinfo.ZoneInfo, complete: Callable[[dt.date], dt.datetime] | None = None
) -> dt.date | None:
    """The previous ISO week if `now` is within the sending window (Monday 07:00 + catch-up) in `tz`,
    opening no earlier than the week is published to managers (and, with `complete`, no earlier
    than that moment of the week: when the week is published everywhere, so the e-mail carries
    the region's and company's figures)."""
    local = now.astimezone(tz)
    monday = local.date() - dt.timedelta(days=local.weekday())
    week = monday - dt.timedelta(weeks=1)
    opens = max(
        dt.datetime.combine(monday, dt.time(SEND_HOUR), tzinfo=tz),
        published_at(week, tz),
        *([complete(week).astimezone(tz)] if complete else []),
    )
    if opens <= local < opens + CATCH_UP:
        return monday - dt.timedelta(weeks=1)
    return None


def weekly_report_deliveries_due(now: dt.datetime) -> list[int]:
    """Create the delivery rows that are due (nothing twice) and return those still to be sent."""
    rows: list[ReportDelivery] = []
    due: list[tuple[int, dt.date]] = []
    managers = User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email="")
    stores = Store.objects.filter(is_active=True).prefetch_related(
        Prefetch("people", queryset=managers, to_attr="managers")
    )
    complete = functools.cache(published_everywhere_at)  # one query per week, not per store
    for store in stores:
        week = _due_week(now, store.tzinfo, complete)
        if week is None:
            continue
        due.append((store.pk, week))
        rows += [
            ReportDelivery(kind=ReportKind.STORE_WEEKLY, store=store, week_start=week, recipient=manager)
            for manager in store.managers
        ]
    digest_week = _due_week(now, zoneinfo.ZoneInfo(settings.TIME_ZONE))
    if digest_week is not None:
        head_office = User.objects.filter(role=Role.HEAD_OFFICE, is_active=True).exclude(email="")
        rows += [
            ReportDelivery(kind=ReportKind.BRANCH_DIGEST, store=None, week_start=digest_week, recipient=person)
            for person in head_office
        ]
    ReportDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    open_rows = ReportDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
    ids = []
    if due:
        weeks = {week for _store, week in due}
        store_ids = {store_id for store_id, _week in due}
        candidates = open_rows.filter(kind=ReportKind.STORE_WEEKLY, store_id__in=store_ids, week_start__in=weeks)
        wanted = set(due)
        ids += [
            pk
            for pk, store_id, week in candidates.values_list("pk", "store_id", "week_start")
            if (store_id, week) in wanted
        ]
    if digest_week is not None:
        ids += list(
            open_rows.filter(kind=ReportKind.BRANCH_DIGEST, week_start=digest_week).values_list("pk", flat=True)
        )
    return sorted(ids)


def is_low_score(soi: float | None) -> bool:
    """Whether a counted visit with this SOI alerts (below OASIS_ALERT_SOI_BELOW)."""
    return soi is not None and soi < settings.OASIS_ALERT_SOI_BELOW


def alerts_for_visit(visit_id) -> list[int]:
    """A counted visit below the alert threshold alerts its region's supervisors and head office, once each."""
    visit = Visit.objects.select_related("store").filter(pk=visit_id).first()
    if visit is None or not visit.is_counted or not is_low_score(visit.soi):
        return []
    supervisors = supervisors_of(visit.store.region_id).values("pk")
    recipients = User.objects.filter(Q(pk__in=supervisors) | Q(role=Role.HEAD_OFFICE), is_active=True).exclude(email="")
    VisitAlert.objects.bulk_create(
        [VisitAlert(visit=visit, recipient=person) for person in recipients], ignore_conflicts=True
    )
    return list(VisitAlert.objects.filter(visit=visit, status__in=OPEN_STATUSES).values_list("pk", flat=True))


def deliver_once(rows: QuerySet, build: Callable, still_wanted: Callable = lambda row: True) -> str:
    """Send the e-mail of the one delivery row `rows` selects, at most once: the row is locked
    (SKIP LOCKED: another worker sending it right now means skip), sent and marked in one
    transaction. A failure of the mail server is recorded on the row and raised as DeliveryFailed
    for the caller's retry. Every e-mail of the product goes out through here (report e-mails,
    alerts, action plan notices, assignment e-mails)."""
    error: Exception | None = None
    with transaction.atomic():
        row = rows.select_for_update(skip_locked=True, of=("self",)).filter(status__in=OPEN_STATUSES).order_by().first()
        if row is None:
            return "skipped"  # sent already, or another worker is sending it right now
        if not still_wanted(row):
            row.status = DeliveryStatus.SKIPPED
            row.save(update_fields=["status"])
            return "skipped"
        row.attempts += 1
        try:
            build(row).send()
        except Exception as exc:  # any failure of the mail server is recorded and retried
            row.status = DeliveryStatus.FAILED
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            error = exc
        else:
            row.status = DeliveryStatus.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
        row.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    if error is not None:
        raise DeliveryFailed(str(error)) from error
    return "sent"


def deliver_report(delivery_id: int) -> str:
    return deliver_once(ReportDelivery.objects.filter(pk=delivery_id), emails.report_message)


def deliver_alert(alert_id: int) -> str:
    # A visit rejected before its alert went out no longer counts: no alert.
    return deliver_once(
        VisitAlert.objects.filter(pk=alert_id), emails.alert_message, still_wanted=lambda alert: alert.visit.is_counted
    )
