"""The e-mails sent to a person (weekly reports, low-score alerts, set-password invitations): listed in their download,
their rows deleted on erasure."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import ReportDelivery, SetPasswordMail, VisitAlert


def _when(value) -> str | None:
    return value.isoformat() if value else None


def report_emails(user: User) -> list[dict]:
    return [
        {"kind": kind, "store": code, "week_start": week, "status": status, "sent_at": _when(sent)}
        for kind, code, week, status, sent in ReportDelivery.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("kind", "store__code", "week_start", "status", "sent_at")
    ]


def alert_emails(user: User) -> list[dict]:
    return [
        {"visit": str(visit_id), "status": status, "sent_at": _when(sent)}
        for visit_id, status, sent in VisitAlert.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("visit_id", "status", "sent_at")
    ]


def set_password_emails(user: User) -> list[dict]:
    return [
        {"created_at": _when(created), "status": status, "sent_at": _when(sent)}
        for created, status, sent in SetPasswordMail.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("created_at", "status", "sent_at")
    ]


def erase_set_password_emails(user: User) -> int:
    return SetPasswordMail.objects.filter(recipient=user).delete()[0]


def erase_report_emails(user: User) -> int:
    return ReportDelivery.objects.filter(recipient=user).delete()[0]


def erase_alert_emails(user: User) -> int:
    return VisitAlert.objects.filter(recipient=user).delete()[0]


def register() -> None:
    holder(
        "report_emails",
        export=report_emails,
        erase=erase_report_emails,
        covers=("notifications.ReportDelivery.recipient",),
    )
    holder(
        "alert_emails", export=alert_emails, erase=erase_alert_emails, covers=("notifications.VisitAlert.recipient",)
    )
    holder(
        "set_password_emails",
        export=set_password_emails,
        erase=erase_set_password_emails,
        covers=("notifications.SetPasswordMail.recipient",),
    )
