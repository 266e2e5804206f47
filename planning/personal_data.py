"""What planning holds about a person: the waves they created, their assignments, their reasons
for declining one, their weekly capacity and the e-mails about assignments sent to them. Erasure
deletes the reasons, the capacity and the e-mail rows; waves and assignments stay."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import Assignment, AssignmentDecline, AssignmentMail, ShopperCapacity, Wave


def waves_created(user: User) -> list[dict]:
    return [
        {"wave": name, "starts_on": starts_on, "ends_on": ends_on, "created_at": created_at.isoformat()}
        for name, starts_on, ends_on, created_at in Wave.objects.filter(created_by=user)
        .order_by("created_at")
        .values_list("name", "starts_on", "ends_on", "created_at")
    ]


def assignments(user: User) -> list[dict]:
    rows = Assignment.objects.filter(shopper=user).select_related("store", "wave").order_by("window_start", "pk")
    return [
        {
            "wave": row.wave.name,
            "store": row.store.code,
            "window_start": row.window_start,
            "window_end": row.window_end,
            "days": row.day_type,
            "time_of_day": row.time_of_day,
            "status": row.status,
            "visit": str(row.visit_id) if row.visit_id else None,
        }
        for row in rows
    ]


def declines(user: User) -> list[dict]:
    return [
        {"store": code, "window_start": start, "reason": reason, "declined_at": at.isoformat()}
        for code, start, reason, at in AssignmentDecline.objects.filter(shopper=user)
        .order_by("created_at")
        .values_list("assignment__store__code", "assignment__window_start", "reason", "created_at")
    ]


def capacity(user: User) -> int | None:
    return ShopperCapacity.objects.filter(shopper=user).values_list("visits_per_week", flat=True).first()


def mails(user: User) -> list[dict]:
    return [
        {
            "kind": kind,
            "status": status,
            "created_at": created.isoformat(),
            "sent_at": sent.isoformat() if sent else None,
        }
        for kind, status, created, sent in AssignmentMail.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("kind", "status", "created_at", "sent_at")
    ]


def erase_declines(user: User) -> int:
    return AssignmentDecline.objects.filter(shopper=user).delete()[0]


def erase_capacity(user: User) -> int:
    return ShopperCapacity.objects.filter(shopper=user).delete()[0]


def erase_mails(user: User) -> int:
    return AssignmentMail.objects.filter(recipient=user).delete()[0]


def _kept(user: User) -> int:
    return 0


def register() -> None:
    holder("waves_created", export=waves_created, erase=_kept, covers=("planning.Wave.created_by",))
    holder("assignments", export=assignments, erase=_kept, covers=("planning.Assignment.shopper",))
    holder(
        "assignment_declines",
        export=declines,
        erase=erase_declines,
        covers=("planning.AssignmentDecline.shopper",),
    )
    holder(
        "weekly_capacity",
        export=capacity,
        erase=erase_capacity,
        covers=("planning.ShopperCapacity.shopper",),
    )
    holder(
        "assignment_emails",
        export=mails,
        erase=erase_mails,
        covers=("planning.AssignmentMail.recipient",),
    )
