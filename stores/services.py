"""Writes about people: leaving the company without leaving statistics behind."""

from __future__ import annotations

from django.db import transaction

from .models import User


@transaction.atomic
def user_anonymize(*, user: User) -> User:
    """Remove everything that identifies a departed user while keeping their visits, so every
    store statistic stays exactly as it was. The user can no longer log in."""
    user.username = f"departed-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()  # and with the password, every API token dies (api.models.DeviceToken)
    user.save()
    user.stores.clear()
    user.regions.clear()
    return user
