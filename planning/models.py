"""Waves of planned visits, what each store needs, and who goes where when.

A wave is planned by head office (draft), published to shoppers, then closed. Its stores come from
chosen regions and single stores; `WaveStore` keeps, per store, the visits needed and why (see
`planning.needed`). An `Assignment` is one planned visit: a store, a window of days, a time of
day and (unless still open) a shopper. Nothing here is ever shown to store managers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery
from observations.models import Visit
from stores.models import Region, Store

# what a head office brief to shoppers and a shopper's reason to decline may hold (forms, API, phone)
BRIEF_MAX_LENGTH = 2000
DECLINE_REASON_MAX_LENGTH = 500
# the days a wave may lie on, and its longest length (a wave's days with its lockout and history
# around them stay far inside the calendar's range)
WAVE_FIRST_DAY = dt.date(2000, 1, 1)
WAVE_LAST_DAY = dt.date(2999, 12, 31)
MAX_WAVE_DAYS = 366


class TargetKind(models.TextChoices):
    PRECISION = "precision", _("Precision of the store index")
    FIXED = "fixed", _("Fixed number of visits")


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Wave(models.Model):
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    regions = models.ManyToManyField(Region, blank=True, related_name="waves", verbose_name=_("regions"))
    chosen_stores = models.ManyToManyField(
        Store, blank=True, related_name="chosen_in_waves", verbose_name=_("single stores")
    )
    target_kind = models.CharField(_("target"), max_length=10, choices=TargetKind.choices, default=TargetKind.PRECISION)
    target_half_width = models.FloatField(_("target precision (± SOI points)"), default=10.0)
    fixed_visits = models.PositiveSmallIntegerField(_("visits per store"), null=True, blank=True)
    min_visits = models.PositiveSmallIntegerField(_("minimum visits per store"), default=2)
    max_visits = models.PositiveSmallIntegerField(_("maximum visits per store"), default=12)
    lockout_days = models.PositiveSmallIntegerField(_("lockout (days)"), default=30)
    history_weeks = models.PositiveSmallIntegerField(_("history for the spread (weeks)"), default=12)
    board_enabled = models.BooleanField(_("open assignments on the board"), default=False)
    brief = models.TextField(_("brief for shoppers"), blank=True, max_length=BRIEF_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=WaveStatus.choices, default=WaveStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # When the last planning left visits without a shopper: why, and what would staff them, as
    # numbers (planning.staffing.explain; worded by planning.wording.staffing_lines). {} otherwise.
    staffing = models.JSONField(_("staffing when planned"), default=dict, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="wave_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=WaveStatus.values), name="wave_status_valid"),
            models.CheckConstraint(
                condition=Q(min_visits__gte=1, max_visits__gte=F("min_visits"), max_visits__lte=100),
                name="wave_min_max_visits",
            ),
            models.CheckConstraint(
                condition=Q(target_kind=TargetKind.PRECISION, target_half_width__gt=0, target_half_width__lte=50)
                | Q(target_kind=TargetKind.FIXED, fixed_visits__gte=1),
                name="wave_target_complete",
            ),
            models.CheckConstraint(condition=Q(lockout_days__lte=365), name="wave_lockout_at_most_a_year"),
            models.CheckConstraint(
                condition=Q(status=WaveStatus.DRAFT) | Q(published_at__isnull=False), name="wave_published_when"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.status == WaveStatus.DRAFT


class WaveStore(models.Model):
    """One store of a wave with the visits it needs and how that number came about."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="wave_stores", verbose_name=_("wave"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="wave_stores", verbose_name=_("store"))
    visits_needed = models.PositiveSmallIntegerField(_("visits needed"))
    spread = models.FloatField(_("spread used (SOI sd)"))
    store_n = models.PositiveIntegerField(_("store visits in the history"))
    region_n = models.PositiveIntegerField(_("region visits in the history"))
    company_n = models.PositiveIntegerField(_("company visits in the history"))
    reason = models.CharField(_("reason"), max_length=10)
    would_need = models.PositiveIntegerField(_("visits the target needs"))
    expected_half_width = models.FloatField(_("expected precision"), null=True, blank=True)

    class Meta:
        ordering = ["wave", "store__code"]
        verbose_name = _("store of a wave")
        verbose_name_plural = _("stores of a wave")
        constraints = [
            models.UniqueConstraint(fields=["wave", "store"], name="wave_store_unique"),
            models.CheckConstraint(condition=Q(spread__gte=0), name="wave_store_spread_not_negative"),
            models.CheckConstraint(
                condition=Q(reason__in=["precision", "minimum", "maximum", "fixed"]), name="wave_store_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave} – {self.store.code}"


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    MIDDAY = "midday", _("Midday")
    EVENING = "evening", _("Evening")


class DayType(models.TextChoices):
    WEEKDAY = "weekday", _("Weekday")
    WEEKEND = "weekend", _("Weekend")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Open (no shopper)")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


# Assignments that still stand for a visit in the store (for lockout, capacity and coverage).
LIVE_STATUSES = (AssignmentStatus.OPEN, AssignmentStatus.ASSIGNED, AssignmentStatus.DONE, AssignmentStatus.OVERDUE)


class Assignment(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("wave"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("store"))
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("shopper"),
    )
    window_start = models.DateField(_("window from"))
    window_end = models.DateField(_("window until"))
    day_type = models.CharField(_("days"), max_length=10, choices=DayType.choices)
    time_of_day = models.CharField(_("time of day"), max_length=10, choices=TimeOfDay.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Kept as it is when the wave is planned again.")
    )
    # An overdue assignment whose visit was offered to someone else (a new assignment) already.
    reoffered = models.BooleanField(_("offered again"), default=False)
    # Why the planner chose this shopper (or none): a code and its numbers, worded by the pages.
    reason = models.JSONField(_("why"), default=dict, blank=True)
    visit = models.OneToOneField(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignment", verbose_name=_("visit")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["window_start", "store__code", "time_of_day"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["shopper", "window_start"], name="assignment_shopper_window"),
            models.Index(fields=["store", "window_start"], name="assignment_store_window"),
            models.Index(fields=["wave", "store"], name="assignment_wave_store"),
            models.Index(fields=["status", "window_end"], name="assignment_status_window_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name="assignment_window_ordered"),
            models.CheckConstraint(condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"),
            models.CheckConstraint(condition=Q(day_type__in=DayType.values), name="assignment_day_type_valid"),
            models.CheckConstraint(condition=Q(time_of_day__in=TimeOfDay.values), name="assignment_time_of_day_valid"),
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.OPEN, shopper__isnull=True)
                | Q(status=AssignmentStatus.CANCELLED)
                | Q(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.DONE, AssignmentStatus.OVERDUE])
                & Q(shopper__isnull=False),
                name="assignment_shopper_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.DONE, visit__isnull=False)
                | Q(~Q(status=AssignmentStatus.DONE), visit__isnull=True),
                name="assignment_done_with_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store.code} {self.window_start}–{self.window_end} {self.time_of_day}"


class AssignmentDecline(models.Model):
    """A shopper said no to an assignment, with their reason. The assignment goes back to open."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="declines", verbose_name=_("assignment")
    )
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("shopper")
    )
    reason = models.TextField(_("reason"), max_length=DECLINE_REASON_MAX_LENGTH)
    created_at = models.DateTimeField(_("declined at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("declined assignment")
        verbose_name_plural = _("declined assignments")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "shopper"], name="assignment_declined_once_per_shopper"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} declined"


class ShopperCapacity(models.Model):
    """How many planned visits a shopper takes per week (OASIS_PLANNING_WEEKLY_CAPACITY without a row)."""

    shopper = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_capacity", verbose_name=_("shopper")
    )
    visits_per_week = models.PositiveSmallIntegerField(_("visits per week"))

    class Meta:
        verbose_name = _("shopper capacity")
        verbose_name_plural = _("shopper capacities")
        constraints = [
            models.CheckConstraint(condition=Q(visits_per_week__lte=50), name="capacity_at_most_fifty"),
        ]

    def __str__(self) -> str:
        return f"{self.shopper}: {self.visits_per_week}/week"


class MailKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the window closes")
    OVERDUE = "overdue", _("Window passed without a visit")
    OFFER = "offer", _("New assignment offered")


class AssignmentMail(Delivery):
    """An e-mail about an assignment to its shopper: at most one per assignment, kind and recipient
    (the row exists before anything is sent; see notifications.models)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="mails", verbose_name=_("assignment")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MailKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assignment e-mail")
        verbose_name_plural = _("assignment e-mails")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "recipient"], name="assignment_mail_once"),
            models.CheckConstraint(condition=Q(kind__in=MailKind.values), name="assignment_mail_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.assignment_id} → {self.recipient_id}"
