"""Regions, stores and the people who observe or read them.

A user's role decides what they may do; their scope (assigned stores, supervised regions,
managed stores) decides on which stores. `stores.selectors` turns both into querysets.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords

from . import calendar


@functools.cache
def iana_timezones() -> frozenset[str]:
    """The IANA time zone names, read from disk once (reading them takes ~50 ms; an import of a
    thousand stores validates a thousand time zones)."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in iana_timezones():
        raise ValidationError(_("%(value)s is not an IANA time zone."), params={"value": value})


def default_country() -> str:
    return settings.OASIS_DEFAULT_COUNTRY


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Store(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stores", verbose_name=_("region"))
    city = models.CharField(_("city"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_timezone])
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # When the store is closed (stores.calendar): the planner plans no visit on these days.
    country = models.CharField(
        _("country"),
        max_length=2,
        default=default_country,
        db_default="DE",  # rows written by code that predates the column
        help_text=_("ISO 3166-1 code (DE, CH, AT, ...): its public holidays are not planned."),
    )
    subdivision = models.CharField(
        _("subdivision"),
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "State, canton or region whose holidays apply too, e.g. BY for Bavaria (DE-BY); empty: nationwide only."
        ),
    )
    closed_weekdays = models.CharField(
        _("closed weekdays"),
        max_length=13,
        blank=True,
        default="",
        db_default="",
        help_text=_("Day numbers, 1 = Monday .. 7 = Sunday, e.g. 7 for closed on Sundays; empty: open every day."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="store_latitude_range",
                violation_error_message=_("The latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="store_longitude_range",
                violation_error_message=_("The longitude must lie between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="store_position_complete",
                violation_error_message=_("Latitude and longitude are given together or not at all."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        """The calendar as `holidays` knows it: "de" is DE, "DE-BY" and "Bayern" are BY, "7, 6" is "6,7"."""
        super().clean()
        self.country = calendar.normalize_country(self.country)
        self.subdivision = calendar.normalize_subdivision(self.country, self.subdivision)
        errors = calendar.calendar_errors(
            country=self.country, subdivision=self.subdivision, closed_weekdays=self.closed_weekdays or ""
        )
        if errors:
            raise ValidationError(errors)
        self.closed_weekdays = calendar.format_weekdays(calendar.parse_weekdays(self.closed_weekdays or ""))

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class ClosedDay(models.Model):
    """A day every store of the company is closed (an inventory day, a company holiday): not planned."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name of the day"), max_length=100)

    class Meta:
        ordering = ["day"]
        verbose_name = _("company closed day")
        verbose_name_plural = _("company closed days")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"


class Role(models.TextChoices):
    SHOPPER = "shopper", _("Mystery shopper")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Store manager")
    HEAD_OFFICE = "head_office", _("Head office")


class User(AbstractUser):
    """A person using Service Oasis.

    `stores` are the stores a shopper is assigned to or a manager manages; `regions` are the
    regions a supervisor looks after. Head office sees everything and needs neither.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SHOPPER)
    stores = models.ManyToManyField(Store, blank=True, related_name="people", verbose_name=_("stores"))
    regions = models.ManyToManyField(Region, blank=True, related_name="supervisors", verbose_name=_("regions"))
    language = models.CharField(
        _("language"), max_length=8, default="de", choices=[("de", "Deutsch"), ("en", "English")]
    )
    # A store manager's weekly report e-mail can carry the report as a PDF (for the staff room's
    # printer): their own choice, off by default (not every manager prints).
    report_pdf = models.BooleanField(
        _("weekly report as a PDF attachment"),
        default=False,
        help_text=_("The weekly report e-mail of a store manager carries the report as a PDF, in their language."),
    )
    # Counts the changes of role and of activity. It is part of the credentials every session and
    # API token was issued with (`get_session_auth_hash`), so each such change ends them all: a
    # deactivated person's token does not come back to life when they are reactivated, and a new
    # role starts with a new log-in, whichever path (admin, import, command, service) changed it.
    access_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="user_role_valid",
                violation_error_message=_(
                    "The role must be mystery shopper, supervisor, store manager or head office."
                ),
            ),
        ]

    @property
    def is_head_office(self) -> bool:
        return self.role == Role.HEAD_OFFICE

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_access = (user.__dict__.get("role"), user.__dict__.get("is_active"))
        return user

    def _access_changed(self) -> bool:
        stored = getattr(self, "_stored_access", None)
        if stored is None:
            return False  # a new user: nothing was issued yet
        role, active = stored
        return (role is not None and self.__dict__.get("role", role) != role) or (
            active is not None and self.__dict__.get("is_active", active) != active
        )

    def save(self, *args, **kwargs):
        if self._access_changed():
            self.access_epoch += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "access_epoch"}
        super().save(*args, **kwargs)
        self._stored_access = (self.role, self.is_active)

    def get_session_auth_hash(self) -> str:
        return self._with_access_epoch(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield self._with_access_epoch(fallback)

    def _with_access_epoch(self, password_hash: str) -> str:
        # Epoch 0 keeps Django's own hash, so sessions and tokens issued before the epoch existed live on.
        if not self.access_epoch:
            return password_hash
        return hashlib.sha256(f"{password_hash}:{self.access_epoch}".encode()).hexdigest()


class ImportJob(models.Model):
    """One upload of the admin's bulk set-up, previewed and then imported by a worker
    (stores.import_jobs): the file as uploaded, how far the work is and what it found."""

    class State(models.TextChoices):
        PREVIEWING = "previewing", _("checking the rows")
        PREVIEWED = "previewed", _("checked, waiting for confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.CharField(max_length=20)  # "store" or "user": the admin whose import it is
    file_format = models.CharField(max_length=10)  # "csv" or "xlsx"
    file_name = models.CharField(max_length=255, blank=True)
    # The upload; emptied once the import is done (it names people).
    data = models.BinaryField(blank=True)
    started_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=10, blank=True)  # of the uploader: the refusals' sentences
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PREVIEWING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # {"new": n, "update": n, "skip": n, "error": n, "invalid": n}
    totals = models.JSONField(default=dict, blank=True)
    # [{"row": n, "errors": {"field": ["sentence", ...]}}]: the refused rows and why
    row_errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)  # what stopped the whole file, if anything

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
