"""The devices a person signed in to the API with (never the tokens): deleted on erasure."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import DeviceToken


def devices(user: User) -> list[dict]:
    return [
        {"device": device, "created": created.isoformat(), "expires": expiry.isoformat() if expiry else None}
        for device, created, expiry in DeviceToken.objects.filter(user=user)
        .order_by("created")
        .values_list("device", "created", "expiry")
    ]


def erase_devices(user: User) -> int:
    return DeviceToken.objects.filter(user=user).delete()[0]


def register() -> None:
    holder("devices", export=devices, erase=erase_devices, covers=("api.DeviceToken.user",))
