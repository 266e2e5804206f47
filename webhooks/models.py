"""Webhooks head office subscribes: endpoints, the events sent to them and each delivery.

An `Event` is written once, with its payload, when something happens (a store's week published, an
action plan's state changed, a wave's store at risk); a `Delivery` per subscribed endpoint is
written in the same transaction and is the outbox of the sending: workers claim the oldest pending
delivery of each endpoint and store (`stream`), so a store's events arrive in order, and retry with
exponential backoff until it is delivered or the endpoint is disabled (webhooks.delivery).
"""

from __future__ import annotations

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery as EmailDelivery
from planning.models import Wave
from stores.models import Store

from .urls_policy import validate_target_url


class EventType(models.TextChoices):
    STORE_WEEK_PUBLISHED = "store_week.published", _("A store's week is published")
    ACTION_PLAN_STATE_CHANGED = "action_plan.state_changed", _("An action plan's state changed")
    WAVE_COVERAGE_AT_RISK = "wave.coverage_at_risk", _("A store of a wave is at risk of missing its target")


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Endpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, validators=[validate_target_url])
    event_types = models.JSONField(_("events"), default=list)
    # Shown once, when made or renewed; never again in any page.
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in self.event_types


class Event(models.Model):
    """What happened, as sent: `payload` is the body ({type, version, timestamp, data})."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    stream = models.CharField(_("store"), max_length=40, help_text=_("Events of one store arrive in order."))
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.type} {self.stream}"

    @property
    def message_id(self) -> str:
        """The `webhook-id` header: the same for every attempt and replay (receivers deduplicate by it)."""
        return f"msg_{self.id.hex}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event"))
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    stream = models.CharField(_("store"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker sending it holds it until then (claim, commit, send, record); a killed worker's
    # claim runs out and another takes the delivery.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The head of each endpoint's store stream: its oldest pending delivery.
            models.Index(
                fields=["endpoint", "stream", "id"],
                condition=Q(status="pending"),
                name="webhook_delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class AnnouncedWeek(models.Model):
    """A store-week whose publication was announced (once)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "week_start"], name="announced_week_once")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.week_start}"


class CoverageRisk(models.Model):
    """The risks last announced for a store of a wave: a new risk is announced once."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    risks = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "store"], name="coverage_risk_once")]

    def __str__(self) -> str:
        return f"{self.wave_id} {self.store_id}: {self.risks}"


class DisabledNotice(EmailDelivery):
    """The e-mail to one head office member that an endpoint was disabled (sent at most once)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="+", verbose_name=_("endpoint"))
    disabled_at = models.DateTimeField(_("disabled at"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("recipient"))

    class Meta:
        verbose_name = _("webhook disabled e-mail")
        verbose_name_plural = _("webhook disabled e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "disabled_at", "recipient"], name="webhook_disabled_notice_once"
            )
        ]
