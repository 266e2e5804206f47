"""E-mails about action plans: recorded with the change, sent once, in the recipient's language.

`record` writes one `PlanNotice` row per recipient in the caller's transaction (unique per plan,
kind, round and recipient: recording twice records nothing) and, with it, the work of sending each
in the outbox (`core.outbox`, kind "plan_notice"): a worker sends it after the commit, the
outbox sweep if the broker was down, with backoff while the mail server fails. `deliver` sends a
row through notifications.services.deliver_once, as every e-mail of the product: at most once.

What a manager reads never names or dates an observer: the plan's week, behaviours, actions and
the supervisor's note only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import outbox
from notifications.services import OPEN_STATUSES, DeliveryFailed, deliver_once
from stores.models import User
from stores.selectors import stores_reportable_to

from .models import ActionPlan, NoticeKind, PlanNotice

PLAN_NOTICE = "plan_notice"


def record(plan: ActionPlan, kind: str, recipients: Iterable[User]) -> list[int]:
    """Record the notices and the work of sending them, in the caller's transaction."""
    PlanNotice.objects.bulk_create(
        [PlanNotice(plan=plan, kind=kind, round=plan.round, recipient=person) for person in recipients],
        ignore_conflicts=True,
    )
    ids = list(
        PlanNotice.objects.filter(plan=plan, kind=kind, round=plan.round, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    outbox.record(*(outbox.Work(PLAN_NOTICE, str(pk), {"notice": pk}) for pk in ids))
    return ids


@outbox.handler(PLAN_NOTICE, transactional=False)
def _send(payload: dict) -> bool:
    try:
        deliver(payload["notice"])
    except DeliveryFailed:
        return False  # recorded on the notice; the outbox tries again with backoff
    return True


def deliver(notice_id: int) -> str:
    """Send one notice at most once (notifications.services.deliver_once)."""
    return deliver_once(
        PlanNotice.objects.filter(pk=notice_id).select_related("plan__store", "recipient"),
        message,
        still_wanted=notice_still_wanted,
    )


def notice_still_wanted(notice: PlanNotice) -> bool:
    """A notice goes to someone who still has the plan's store in their reach (its manager, the
    region's supervisor, head office): not to a manager moved to another store meanwhile."""
    return stores_reportable_to(notice.recipient).filter(pk=notice.plan.store_id).exists()


def _subject(kind: str, plan: ActionPlan) -> str:
    values = {"store": plan.store.name, "week": f"{plan.week_start:%G-W%V}"}
    return {
        NoticeKind.OPENED: _("Action plan needed: %(store)s, week %(week)s"),
        NoticeKind.SUBMITTED: _("Action plan to review: %(store)s, week %(week)s"),
        NoticeKind.ACCEPTED: _("Action plan accepted: %(store)s, week %(week)s"),
        NoticeKind.RETURNED: _("Action plan returned for revision: %(store)s, week %(week)s"),
        NoticeKind.REMINDER: _("Reminder: action plan overdue for %(store)s, week %(week)s"),
    }[kind] % values


def message(notice: PlanNotice) -> EmailMultiAlternatives:
    plan, recipient = notice.plan, notice.recipient
    with translation.override(recipient.language):
        context = {
            "plan": plan,
            "kind": notice.kind,
            "recipient": recipient,
            "link": settings.SITE_URL + reverse("coaching:plan", args=[plan.pk]),
            "week": f"{plan.week_start:%G-W%V}",
            "focus_labels": [
                plan.get_focus_display(),
                *([plan.get_second_focus_display()] if plan.second_focus else []),
            ],
        }
        text = render_to_string("coaching/emails/notice.txt", context)
        html = render_to_string("coaching/emails/notice.html", context)
        email = EmailMultiAlternatives(subject=_subject(notice.kind, plan), body=text, to=[recipient.email])
        email.attach_alternative(html, "text/html")
    return email
