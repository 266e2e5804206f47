"""Which e-mails are due, and sending each exactly once.

Exactly once, as far as e-mail allows: a delivery row exists before anything is sent (unique per
report, week and recipient, per visit and recipient, per invitation); a sender claims it with a
conditional UPDATE that commits at once (status "sending", healthchecks' claim-then-send), calls the
mail server with no transaction or lock held, and records the outcome. A doubled beat or a second
task finds the row claimed or sent and does nothing (or tries later). The e-mail is made in full
(the report's PDF too) before the claim, so a claim only ever covers the call to the mail server,
however long the making took. A sender that dies after its claim leaves the row "sending"; once the
claim is older than twice the mail server's timeout it is open again and sent: if the dead sender
had got the mail out, that recipient gets it twice. No protocol closes that window without the mail
server's help.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from observations.models import Visit
from reports.publication import published_at, published_everywhere_at
from stores.emails import set_password_message
from stores.models import Role, Store, User
from stores.selectors import supervisors_of

from . import emails
from .models import DeliveryStatus, ReportDelivery, ReportKind, SetPasswordMail, VisitAlert

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
    open_rows = ReportDelivery.objects.filter(_claimable(timezone.now()))
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


class DeliveryBusy(DeliveryFailed):
    """Another sender holds the row right now: try again in `retry_in` seconds, when its claim
    has expired if that sender died."""

    def __init__(self, message: str, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def claim_expiry() -> dt.timedelta:
    """How old a claim is when its sender is taken for dead: well past the mail server's timeout.
    It has to outlast only the call to the mail server: deliver_once makes the e-mail before it
    claims the row (a report's PDF takes seconds), so no render counts against it."""
    return dt.timedelta(seconds=2 * settings.EMAIL_TIMEOUT + 10)


def _claimable(now: dt.datetime) -> Q:
    return Q(status__in=OPEN_STATUSES) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - claim_expiry())


def _retry_in(claimed_at: dt.datetime, now: dt.datetime) -> float:
    return max(1.0, (claimed_at + claim_expiry() - now).total_seconds() + 1)


def recipient_reachable(row) -> bool:
    """Every e-mail's first condition: its recipient is still an active person with an address."""
    recipient = getattr(row, "recipient", None)
    return recipient is not None and recipient.is_active and bool(recipient.email)


def deliver_once(rows: QuerySet, build: Callable, still_wanted: Callable = lambda row: True) -> str:
    """Send the e-mail of the one delivery row `rows` selects, at most once, as healthchecks sends
    alerts: make the e-mail, claim the row with a conditional UPDATE (open, or claimed by a sender
    long dead) and commit, send without any transaction or row lock held, then record the outcome
    on the row (only while the claim is still this sender's).

    At most once holds because of the order. `build` makes the whole e-mail before the claim (the
    weekly report's PDF too, normally 1-5 s); making one only reads (rows, templates, the report
    page's view; the PDF's also logs and counts its outcome), so an e-mail made and then dropped
    has done nothing. The claim is stamped with the time read after the build. Between this
    sender's claim and the end of its send there is therefore only the call to the mail server,
    which claim_expiry() allows twice EMAIL_TIMEOUT plus 10 s; another sender can take the row
    over only after that, however long the build took, and this sender records its outcome only
    while the claim still carries its stamp. Two senders that build at the same time both reach
    the conditional UPDATE and one wins it; the other drops its e-mail and returns "skipped" once
    the winner has sent it, or raises DeliveryBusy while the winner holds the row. The price is a
    render thrown away in that rare race. Holding the claim through the render instead would
    need a lease longer than any render can take, and a second compare-and-set of the claim right
    before the send: more to get right for no gain.

    A row whose recipient is no longer active (or has no address), or that `still_wanted` no longer
    wants, is marked skipped instead. A failure to make the e-mail, or of the mail server, is
    recorded on the row and raised as DeliveryFailed for the caller's retry; a row another sender
    holds right now raises DeliveryBusy (retry later). Every e-mail of the product goes out through
    here: report e-mails, alerts, action-plan notices, assignment e-mails, set-password
    invitations, webhook notices."""
    now = timezone.now()
    row = rows.filter(_claimable(now)).order_by().first()
    if row is None:
        return _held_or_done(rows, now)
    model = type(row)
    if not (recipient_reachable(row) and still_wanted(row)):
        model.objects.filter(_claimable(now), pk=row.pk).update(status=DeliveryStatus.SKIPPED, claimed_at=None)
        return "skipped"
    try:
        message = build(row)
    except Exception as exc:  # recorded on the row (unless another sender has it now) and retried
        model.objects.filter(_claimable(timezone.now()), pk=row.pk).update(
            status=DeliveryStatus.FAILED, last_error=_error(exc), claimed_at=None, attempts=F("attempts") + 1
        )
        raise DeliveryFailed(str(exc)) from exc
    # The claim commits on its own (autocommit) before the mail server is called, and starts now.
    claimed_at = timezone.now()
    claim = model.objects.filter(_claimable(claimed_at), pk=row.pk)
    if claim.update(status=DeliveryStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1) != 1:
        return _held_or_done(rows, claimed_at)  # another sender won the row: this e-mail is dropped
    mine = model.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at)
    try:
        message.send()
    except Exception as exc:  # any failure of the mail server is recorded and retried
        mine.update(status=DeliveryStatus.FAILED, last_error=_error(exc), claimed_at=None)
        raise DeliveryFailed(str(exc)) from exc
    mine.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)
    return "sent"


def _held_or_done(rows: QuerySet, now: dt.datetime) -> str:
    """No claim to be had: another sender holds the row (DeliveryBusy until its claim expires), or
    it has been sent or skipped already ("skipped")."""
    claimed_at = rows.filter(status=DeliveryStatus.SENDING).values_list("claimed_at", flat=True).first()
    if claimed_at is not None:
        raise DeliveryBusy("another sender is sending this e-mail", _retry_in(claimed_at, now))
    return "skipped"  # sent already, or not wanted any more


def _error(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def deliver_report(delivery_id: int) -> str:
    return deliver_once(
        ReportDelivery.objects.filter(pk=delivery_id).select_related("recipient", "store"),
        emails.report_message,
        still_wanted=report_still_wanted,
    )


def report_still_wanted(delivery: ReportDelivery) -> bool:
    """A store's report goes to a person who still manages that store; the digest to head office."""
    recipient = delivery.recipient
    if delivery.kind == ReportKind.BRANCH_DIGEST:
        return recipient.role == Role.HEAD_OFFICE
    return recipient.role == Role.MANAGER and recipient.stores.filter(pk=delivery.store_id).exists()


def deliver_alert(alert_id: int) -> str:
    return deliver_once(
        VisitAlert.objects.filter(pk=alert_id).select_related("recipient", "visit__store"),
        emails.alert_message,
        still_wanted=alert_still_wanted,
    )


def alert_still_wanted(alert: VisitAlert) -> bool:
    """A visit rejected before its alert went out no longer counts: no alert; nor to someone who
    no longer supervises the store's region (or left head office)."""
    recipient = alert.recipient
    if not alert.visit.is_counted:
        return False
    return (
        recipient.role == Role.HEAD_OFFICE
        or supervisors_of(alert.visit.store.region_id).filter(pk=recipient.pk).exists()
    )


def deliver_set_password(*, invite: str, user_id: int) -> str:
    """The invitation stores.services.user_invite recorded: its row is made on the first attempt
    (one per invitation, so a retry never sends it twice), then sent once."""
    recipient = User.objects.filter(pk=user_id).first()
    if recipient is None:
        return "skipped"
    SetPasswordMail.objects.get_or_create(invite=invite, defaults={"recipient": recipient})
    return deliver_once(
        SetPasswordMail.objects.filter(invite=invite).select_related("recipient"),
        lambda mail: set_password_message(mail.recipient),
    )
