"""Issuing and revoking device tokens (writes), and the live devices of a user (reads)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from knox.settings import knox_settings

from stores.models import User

from .models import DeviceToken

# Beyond this many devices, logging in on another one retires the least recently used.
MAX_DEVICES_PER_USER = 20


@transaction.atomic
def device_token_issue(*, user: User, device: str = "") -> tuple[DeviceToken, str]:
    """A new token for one device. Logging in again on a device of the same name replaces its
    token; expired or dead tokens of the user are cleared on the way."""
    now = timezone.now()
    existing = list(DeviceToken.objects.filter(user=user).select_related("user").select_for_update())
    stale = [t.pk for t in existing if not t.is_live(now) or (device and t.device == device)]
    live = sorted((t for t in existing if t.pk not in stale), key=lambda t: t.expiry or now)
    stale += [t.pk for t in live[: max(0, len(live) - MAX_DEVICES_PER_USER + 1)]]
    if stale:
        DeviceToken.objects.filter(pk__in=stale).delete()
    return DeviceToken.objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, device=device, credentials=user.get_session_auth_hash()
    )


def devices_of(user: User) -> list[DeviceToken]:
    """The user's live devices, most recently used first."""
    now = timezone.now()
    tokens = DeviceToken.objects.filter(user=user).select_related("user").order_by("-expiry")
    return [token for token in tokens if token.is_live(now)]


def device_tokens_revoke(*, user: User, device_id=None) -> int:
    """Revoke one device of the user (by its device id), or all of them; the number revoked."""
    tokens: QuerySet[DeviceToken] = DeviceToken.objects.filter(user=user)
    if device_id is not None:
        tokens = tokens.filter(device_id=device_id)
    deleted, _ = tokens.delete()
    return deleted
