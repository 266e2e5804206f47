"""Records of e-mails: each report or alert goes to each recipient at most once.

The row is created before anything is sent, under a unique constraint, so a doubled beat, a second
beat or a retried task finds the existing row instead of sending again; its status shows head
office in the admin what was sent, what failed and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from observations.models import Visit
from stores.models import Store


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    SKIPPED = "skipped", _("Not needed any more")


class Delivery(models.Model):
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When a sender claimed the row (status "sending"): the claim is committed before the mail
    # server is called, and a claim older than the mail server's timeout is a sender that died.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        abstract = True


class ReportKind(models.TextChoices):
    STORE_WEEKLY = "store_weekly", _("Weekly store report")
    BRANCH_DIGEST = "branch_digest", _("Branch digest")


class ReportDelivery(Delivery):
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("store"))
    week_start = models.DateField(_("week (Monday)"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("recipient"))

    class Meta:
        ordering = ["-week_start", "kind", "store__code"]
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "store", "week_start", "recipient"],
                condition=Q(store__isnull=False),
                name="report_delivery_once_per_store_week_recipient",
            ),
            models.UniqueConstraint(
                fields=["kind", "week_start", "recipient"],
                condition=Q(store__isnull=True),
                name="digest_delivery_once_per_week_recipient",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.STORE_WEEKLY, store__isnull=False)
                | Q(kind=ReportKind.BRANCH_DIGEST, store__isnull=True),
                name="report_delivery_store_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_delivery_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.week_start} → {self.recipient}"


class VisitAlert(Delivery):
    """A counted visit scored below the alert threshold: its store's supervisors and head office hear of it once."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("visit"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("recipient"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("low-score alert")
        verbose_name_plural = _("low-score alerts")
        constraints = [models.UniqueConstraint(fields=["visit", "recipient"], name="visit_alert_once_per_recipient")]

    def __str__(self) -> str:
        return f"{self.visit_id} → {self.recipient}"


class SetPasswordMail(Delivery):
    """An invitation to set one's password (a new person, or head office sending the link again):
    recorded with the change that asks for it, sent once through the outbox."""

    # One per request to send it: asking again sends again, a retried task does not.
    invite = models.UUIDField(_("invitation"), unique=True, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("recipient"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("set-password e-mail")
        verbose_name_plural = _("set-password e-mails")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.created_at:%Y-%m-%d %H:%M}"
