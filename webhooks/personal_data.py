"""The e-mails telling a person that a webhook was disabled: listed in their download, their rows
deleted on erasure."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import DisabledNotice


def disabled_notices(user: User) -> list[dict]:
    return [
        {
            "endpoint": name,
            "disabled_at": disabled.isoformat(),
            "status": status,
            "sent_at": sent.isoformat() if sent else None,
        }
        for name, disabled, status, sent in DisabledNotice.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("endpoint__name", "disabled_at", "status", "sent_at")
    ]


def erase_disabled_notices(user: User) -> int:
    return DisabledNotice.objects.filter(recipient=user).delete()[0]


def register() -> None:
    holder(
        "webhook_emails",
        export=disabled_notices,
        erase=erase_disabled_notices,
        covers=("webhooks.DisabledNotice.recipient",),
    )
