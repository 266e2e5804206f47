"""The company accounts a person signed in with: deleted on erasure."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import Identity


def identities(user: User) -> list[dict]:
    return [
        {
            "issuer": issuer,
            "subject": subject,
            "created_at": created.isoformat(),
            "last_sign_in_at": last.isoformat() if last else None,
        }
        for issuer, subject, created, last in Identity.objects.filter(user=user)
        .order_by("created_at")
        .values_list("issuer", "subject", "created_at", "last_sign_in_at")
    ]


def erase_identities(user: User) -> int:
    return Identity.objects.filter(user=user).delete()[0]


def register() -> None:
    holder("sign_in_identities", export=identities, erase=erase_identities, covers=("sso.Identity.user",))
