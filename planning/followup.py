"""Follow-up of published waves, run by Celery beat: reminders before a window closes, overdue
marking, re-offering declined and overdue assignments, and the e-mails about them.

`sweep` does the database work in one transaction and records each e-mail as outbox work in the
same transaction (core.outbox): the e-mails exist exactly when the changes commit. An
e-mail is sent at most once per assignment, kind and recipient: `deliver_mail` creates its
`AssignmentMail` row under a unique constraint and sends while holding that row (SELECT ... FOR
UPDATE SKIP LOCKED), marking it sent in the same transaction, as notifications.services does.
Only an assignment's shopper is ever written to; nothing of planning goes to a store manager.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import outbox
from notifications.services import DeliveryFailed, deliver_once
from stores.models import Role, User

from . import planner
from .inputs import commitments_for, shoppers_for
from .models import (
    Assignment,
    AssignmentDecline,
    AssignmentMail,
    AssignmentStatus,
    MailKind,
    WaveStatus,
)

MAIL_KIND = "planning_mail"
REOFFER_LIMIT = 200  # per sweep; the next sweep takes the rest


@dataclass
class SweepResult:
    overdue: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    reoffered: list[int] = field(default_factory=list)  # the assignments now offered to a new shopper


def _mail(assignment_id: int, kind: str, recipient_id: int) -> outbox.Work:
    return outbox.Work(
        MAIL_KIND,
        f"{assignment_id}:{kind}:{recipient_id}",
        {"assignment": assignment_id, "kind": kind, "recipient": recipient_id},
    )


@transaction.atomic
def sweep(*, today: dt.date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult()
    published = Assignment.objects.filter(wave__status=WaveStatus.PUBLISHED)
    mails = []

    overdue = list(
        published.filter(status=AssignmentStatus.ASSIGNED, window_end__lt=today)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", "shopper_id")
    )
    Assignment.objects.filter(pk__in=[pk for pk, _shopper in overdue]).update(
        status=AssignmentStatus.OVERDUE, updated_at=timezone.now()
    )
    result.overdue = [pk for pk, _shopper in overdue]
    mails += [_mail(pk, MailKind.OVERDUE, shopper) for pk, shopper in overdue]

    remind_until = today + dt.timedelta(days=settings.OASIS_PLANNING_REMIND_DAYS)
    already = AssignmentMail.objects.filter(
        assignment=OuterRef("pk"), kind=MailKind.REMINDER, recipient=OuterRef("shopper")
    )
    remind = list(
        published.filter(status=AssignmentStatus.ASSIGNED, window_end__gte=today, window_end__lte=remind_until)
        .exclude(Exists(already))
        .values_list("pk", "shopper_id")
    )
    result.reminded = [pk for pk, _shopper in remind]
    mails += [_mail(pk, MailKind.REMINDER, shopper) for pk, shopper in remind]

    for assignment in _to_reoffer(today):
        offered = _reoffer(assignment, today)
        if offered is not None and offered.shopper_id:
            result.reoffered.append(offered.pk)
            mails.append(_mail(offered.pk, MailKind.OFFER, offered.shopper_id))
    outbox.record(*mails)
    return result


def _to_reoffer(today: dt.date) -> list[Assignment]:
    """Open assignments (declined, or never assigned) and overdue ones not offered again yet, of
    published waves that still run."""
    return list(
        Assignment.objects.filter(wave__status=WaveStatus.PUBLISHED, wave__ends_on__gte=today)
        .filter(status__in=[AssignmentStatus.OPEN, AssignmentStatus.OVERDUE], reoffered=False)
        .select_related("wave", "store")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("window_start", "store__code", "pk")[:REOFFER_LIMIT]
    )


def _next_window(assignment: Assignment, today: dt.date) -> planner.Window | None:
    """The assignment's own window while it is open, else the nearest window left in the wave
    (of the same kind of days if there is one)."""
    if assignment.window_end >= today:
        return planner.Window(
            planner.week_of(assignment.window_start),
            assignment.day_type,
            max(assignment.window_start, today),
            assignment.window_end,
        )
    left = planner.windows(max(today, assignment.wave.starts_on), assignment.wave.ends_on)
    same = [window for window in left if window.day_type == assignment.day_type]
    return (same or left or [None])[0]


def _reoffer(assignment: Assignment, today: dt.date) -> Assignment | None:
    window = _next_window(assignment, today)
    if window is None:
        return None
    excluded = set(AssignmentDecline.objects.filter(assignment=assignment).values_list("shopper_id", flat=True))
    if assignment.shopper_id:
        excluded.add(assignment.shopper_id)
    shoppers = [s for s in shoppers_for([assignment.store_id]) if s.id not in excluded]
    commitments = commitments_for(
        wave=assignment.wave, shopper_ids=[s.id for s in shoppers], store_ids=[assignment.store_id]
    )
    (proposal,) = planner.plan(
        slots=[planner.Slot(assignment.store_id, window, assignment.time_of_day)],
        shoppers=shoppers,
        commitments=commitments,
        lockout_days=assignment.wave.lockout_days,
        store_codes={assignment.store_id: assignment.store.code},
    )
    reason = {**proposal.reason, "code": "reoffered", "choice": proposal.reason["code"]}
    if assignment.status == AssignmentStatus.OPEN:
        if proposal.shopper_id is None:
            return None  # stays open (and on the board, if the wave has one)
        assignment.shopper_id = proposal.shopper_id
        assignment.status = AssignmentStatus.ASSIGNED
        assignment.window_start, assignment.window_end = window.start, window.end
        assignment.reason = reason
        assignment.save(update_fields=["shopper", "status", "window_start", "window_end", "reason", "updated_at"])
        return assignment
    # Overdue: it stays overdue (coverage shows it); a new assignment takes over its visit.
    assignment.reoffered = True
    assignment.save(update_fields=["reoffered", "updated_at"])
    return Assignment.objects.create(
        wave=assignment.wave,
        store_id=assignment.store_id,
        shopper_id=proposal.shopper_id,
        window_start=window.start,
        window_end=window.end,
        day_type=window.day_type,
        time_of_day=assignment.time_of_day,
        status=AssignmentStatus.ASSIGNED if proposal.shopper_id else AssignmentStatus.OPEN,
        reason=reason,
    )


@outbox.handler(MAIL_KIND, transactional=False)
def deliver_mail(payload: dict) -> bool:
    """Send one e-mail about an assignment to its shopper, at most once (see the module text)."""
    from .emails import assignment_message

    recipient = User.objects.filter(pk=payload["recipient"], is_active=True, role=Role.SHOPPER).first()
    assignment = Assignment.objects.filter(pk=payload["assignment"]).select_related("store", "wave").first()
    if recipient is None or not recipient.email or assignment is None:
        return True  # nobody to write to any more
    AssignmentMail.objects.bulk_create(
        [AssignmentMail(assignment=assignment, kind=payload["kind"], recipient=recipient)], ignore_conflicts=True
    )
    try:
        deliver_once(
            AssignmentMail.objects.filter(assignment=assignment, kind=payload["kind"], recipient=recipient),
            lambda mail: assignment_message(assignment=assignment, kind=mail.kind, recipient=recipient),
            still_wanted=lambda mail: _still_wanted(mail.kind, assignment, recipient),
        )
    except DeliveryFailed:
        return False  # recorded on the mail; the outbox tries again with backoff
    return True


def _still_wanted(kind: str, assignment: Assignment, recipient: User) -> bool:
    """A reminder or an offer for an assignment the shopper no longer holds, or has done, is not sent."""
    if kind == MailKind.OVERDUE:
        return assignment.shopper_id == recipient.pk and assignment.status == AssignmentStatus.OVERDUE
    return assignment.shopper_id == recipient.pk and assignment.status == AssignmentStatus.ASSIGNED
