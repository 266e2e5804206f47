"""E-mails about action plans: recorded with the change, sent once, in the recipient's language.

`record` writes one `PlanNotice` row per recipient in the caller's transaction (unique per plan,
kind, round and recipient: recording twice records nothing) and, with it, the work of sending each
in the outbox (`core.outbox`, kind "plan_notice"): a worker sends it after the commit, the
outbox sweep if the broker was down, with backoff while the mail server fails. `deliver` sends a
row through notifications.services.deliver_once, as every e-mail of the product: at most once.

What a manager reads never names or dates an observer: the plan's week, behaviours, actions and
the supervisor's note only; and the plan's week only once it is published to them in the store's
time zone (reports.publication), as their report: until then a manager's notice waits (the outbox
tries it again), and cannot even be rendered.
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
from reports.publication import Audience, WeekNotPublished, is_published
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
        outcome = deliver(payload["notice"])
    except DeliveryFailed:
        return False  # recorded on the notice; the outbox tries again with backoff
    return outcome != WAITING  # a manager's notice of a week not yet published: again later


WAITING = "waiting"


def deliver(notice_id: int) -> str:
    """Send one notice at most once (notifications.services.deliver_once); WAITING, unsent, while
    it would tell a store manager of a week not yet published to them."""
    rows = PlanNotice.objects.filter(pk=notice_id).select_related("plan__store", "recipient")
    notice = rows.first()
    if notice is not None and not week_published_to(notice):
        return WAITING
    return deliver_once(rows, message, still_wanted=notice_still_wanted)


def week_published_to(notice: PlanNotice) -> bool:
    """Whether the notice's recipient may read of the plan's week: staff always, a store manager once
    the week is published in the store's time zone."""
    plan = notice.plan
    return Audience.of(notice.recipient) is Audience.STAFF or is_published(plan.week_start, plan.store.tzinfo)


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
    """The notice's e-mail in its recipient's language; raises WeekNotPublished for a store manager
    and a week not yet published to them."""
    plan, recipient = notice.plan, notice.recipient
    if not week_published_to(notice):
        raise WeekNotPublished(f"{plan.week_start:%G-W%V}")
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
