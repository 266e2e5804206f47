"""The tables of the infrastructure: pending follow-up work (the outbox)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxItem(models.Model):
    """Follow-up work recorded in the same transaction as the change that needs it (a store-week
    to refresh, an alert to raise, an e-mail to send), done later by `core.outbox`.

    A row is pending until the work is done; doing it deletes the row in the work's own
    transaction. Several rows of the same kind and key are the same work and are done once.
    """

    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("key"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Not before: now when recorded, later after a failed attempt (backoff).
    available_at = models.DateTimeField(_("due at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The request that recorded the work (core.logs): the worker doing it logs under the same id.
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("follow-up work (outbox)")
        verbose_name_plural = _("follow-up work (outbox)")
        # The one secondary index: claiming a row also claims the other rows of its kind and key.
        # Claims in order of id read the primary key; the table holds only pending work.
        indexes = [models.Index(fields=["kind", "key"], name="outbox_kind_key")]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="") & ~Q(key=""), name="outbox_kind_and_key_given"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
