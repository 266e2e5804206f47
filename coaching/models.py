"""Action plans: after a desert week or a meaningful fall, a store's managers agree coaching actions
with their team; the region's supervisor accepts the plan or returns it with a note.

A plan belongs to the store and the week that opened it (one per store-week), names one or two focus
behaviours (the scoring dimensions), and moves open -> submitted -> accepted, or submitted ->
returned -> submitted again. Its e-mails (notices and reminders) are rows of `PlanNotice`, unique per
plan, kind, round and recipient, so each goes out at most once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery
from observations import scoring
from stores.models import Store

MAX_TEXT = 2000


class Focus(models.TextChoices):
    GREETING = "greeting", _("Greeting")
    SMILE = "smile", _("Smile")
    HOVERING = "hovering", _("Room to browse")
    RESPONSE = "response", _("Response to questions and wishes")


assert tuple(Focus.values) == scoring.DIMENSIONS, "the focus behaviours are the scoring dimensions"


class Reason(models.TextChoices):
    DESERT = "desert", _("Desert week")
    FALL = "fall", _("Meaningful fall")


class PlanState(models.TextChoices):
    OPEN = "open", _("Open: to be filled in")
    SUBMITTED = "submitted", _("Submitted: awaiting the supervisor")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned: to be revised")


class ActionPlan(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("store"))
    week_start = models.DateField(_("week that opened it (Monday)"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    focus = models.CharField(_("focus behaviour"), max_length=10, choices=Focus.choices)
    second_focus = models.CharField(_("second focus behaviour"), max_length=10, choices=Focus.choices, blank=True)
    actions = models.TextField(_("coaching actions"), max_length=MAX_TEXT, blank=True)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.OPEN)
    round = models.PositiveSmallIntegerField(_("round"), default=0, help_text=_("How often it was submitted."))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor_note = models.TextField(_("supervisor's note"), max_length=MAX_TEXT, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "store__code"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(fields=["store", "week_start"], name="action_plan_once_per_store_week"),
            models.CheckConstraint(condition=Q(state__in=PlanState.values), name="action_plan_state_valid"),
            models.CheckConstraint(condition=Q(reason__in=Reason.values), name="action_plan_reason_valid"),
            models.CheckConstraint(condition=Q(focus__in=Focus.values), name="action_plan_focus_valid"),
            models.CheckConstraint(
                condition=Q(second_focus="") | (Q(second_focus__in=Focus.values) & ~Q(second_focus=models.F("focus"))),
                name="action_plan_second_focus_differs",
            ),
            # A plan handed to the supervisor says what will be done, by whom, by when.
            models.CheckConstraint(
                condition=Q(state=PlanState.OPEN)
                | (~Q(actions="") & ~Q(owner="") & Q(due_date__isnull=False) & Q(submitted_at__isnull=False)),
                name="action_plan_complete_once_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[PlanState.ACCEPTED, PlanState.RETURNED]) | Q(decided_at__isnull=False),
                name="action_plan_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlanState.RETURNED) | ~Q(supervisor_note=""),
                name="action_plan_returned_with_note",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_date"], name="action_plan_state_due")]

    def __str__(self) -> str:
        return f"{self.store.code} {self.week_start:%G-W%V}"

    @property
    def focuses(self) -> list[str]:
        return [self.focus, *([self.second_focus] if self.second_focus else [])]

    @property
    def is_editable(self) -> bool:
        """Managers fill it in while open and revise it when returned."""
        return self.state in (PlanState.OPEN, PlanState.RETURNED)

    def is_overdue(self, today: dt.date) -> bool:
        """Not accepted, and its due date has passed; while no date is set, two weeks after the
        week was published (three after the Monday of the week that opened it)."""
        if self.state == PlanState.ACCEPTED:
            return False
        due = self.due_date or self.week_start + dt.timedelta(weeks=3)
        return due < today


class NoticeKind(models.TextChoices):
    OPENED = "opened", _("A plan was opened (to the store's managers)")
    SUBMITTED = "submitted", _("A plan was submitted (to the region's supervisors)")
    ACCEPTED = "accepted", _("A plan was accepted (to the store's managers)")
    RETURNED = "returned", _("A plan was returned (to the store's managers)")
    REMINDER = "reminder", _("A plan is overdue (to the store's managers)")


class PlanNotice(Delivery):
    """One e-mail about a plan to one person: created before sending, unique, so sent at most once.
    `round` tells apart the notices of a plan submitted, returned and submitted again."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="notices", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("recipient"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action plan e-mail")
        verbose_name_plural = _("action plan e-mails")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "round", "recipient"], name="plan_notice_once"),
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="plan_notice_kind_valid"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="plan_notice_status")]

    def __str__(self) -> str:
        return f"{self.plan} {self.kind} → {self.recipient}"
