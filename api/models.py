"""API tokens, one per device (django-rest-knox's token model, with a device name)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from stores.models import User


class DeviceToken(AbstractAuthToken):
    """A token is stored as its SHA-512 digest (knox), so a leaked table opens no account.

    `credentials` is the user's session auth hash when the token was issued (an HMAC of the
    password hash, as Django's sessions use, and of the user's access epoch): any password change
    (the admin form, `add_user`, the password page), deactivation or change of role, by whatever
    path, makes it differ, and the token is refused from then on, also after a reactivation."""

    device_id = models.UUIDField(_("device id"), default=uuid.uuid4, unique=True, editable=False)
    device = models.CharField(_("device"), max_length=100, blank=True)
    credentials = models.CharField(max_length=128, editable=False)

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.device or self.device_id}"

    def is_live(self, now: dt.datetime) -> bool:
        """Neither expired, nor issued before the last password change, nor of an inactive user."""
        if self.expiry is not None and self.expiry <= now:
            return False
        user: User = self.user
        return user.is_active and self.credentials == user.get_session_auth_hash()
