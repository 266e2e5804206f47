"""Visits and their interactions, with their stored scores, and which visits count.

The database enforces every rule it can (check constraints); services compute the stored scores,
so a report never has to re-score raw interactions.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from observations import scoring
from observations.limits import NOTE_MAX_LENGTH
from stores.models import Store

from .rubric import Rubric

MAX_SECONDS = 3600
# A phone reports its position to within metres or a few kilometres; more is no position at all.
MAX_LOCATION_ACCURACY_M = 10_000


class ObserverRole(models.TextChoices):
    SHOPPER = "shopper", _("Mystery shopper")
    SUPERVISOR = "supervisor", _("Supervisor")


class VisitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class VisitQuerySet(models.QuerySet):
    def counted(self, *, approved_only: bool | None = None) -> VisitQuerySet:
        """Visits that count (`counted_statuses`): in reports, rollups, alerts and planning."""
        return self.filter(status__in=counted_statuses(approved_only))

    def awaiting_review(self) -> VisitQuerySet:
        """Flagged shopper visits that no one has reviewed yet."""
        return self.filter(observer_role=ObserverRole.SHOPPER, status=VisitStatus.SUBMITTED).exclude(flags=[])


def _score_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100})


class ScoredModel(models.Model):
    """The stored scores of an interaction or a visit, computed by `observations.services`."""

    soi = models.FloatField(_("SOI"), null=True, blank=True, editable=False)
    greeting_score = models.FloatField(_("greeting score"), null=True, blank=True, editable=False)
    smile_score = models.FloatField(_("smile score"), null=True, blank=True, editable=False)
    hovering_score = models.FloatField(_("hovering score"), null=True, blank=True, editable=False)
    response_score = models.FloatField(_("response score"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_scores(self, scores: scoring.Scores) -> None:
        self.soi = scores.soi
        for name in scoring.DIMENSIONS:
            setattr(self, f"{name}_score", scores.dimension(name))

    @property
    def scores(self) -> scoring.Scores:
        return scoring.Scores(soi=self.soi, **{name: getattr(self, f"{name}_score") for name in scoring.DIMENSIONS})


SCORE_FIELDS = ("soi", *(f"{name}_score" for name in scoring.DIMENSIONS))


class Visit(ScoredModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No single-column indexes on store and observer: the composite indexes below lead with them,
    # and every index is one more write per submission.
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="visits", verbose_name=_("store"), db_index=False
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("observer"),
        db_index=False,
    )
    observer_role = models.CharField(_("observer role"), max_length=20, choices=ObserverRole.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    # Monday of the ISO week of started_at in the store's time zone: the report period.
    week_start = models.DateField(_("week (Monday)"), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_visits",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True, max_length=NOTE_MAX_LENGTH)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_LENGTH)
    # The text store managers read: set by the review (the reviewer may edit it), empty until then.
    # `notes` keeps the observer's original, for head office and the audit trail.
    reviewed_notes = models.TextField(
        _("notes as reviewed (shown to managers)"), blank=True, max_length=NOTE_MAX_LENGTH
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="visits", verbose_name=_("rubric"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_accuracy_m = models.FloatField(_("location accuracy (m)"), null=True, blank=True)
    flags = models.JSONField(_("plausibility flags"), default=list, blank=True)
    n_interactions = models.PositiveSmallIntegerField(_("interactions"), default=0, editable=False)
    # Fingerprint of what the phone sent: a replay with the same id must carry the same content.
    content_hash = models.CharField(max_length=64, editable=False)

    objects = VisitQuerySet.as_manager()
    # Audit trail: reviews and corrections, with who and when.
    # The audit trail is read per visit (by id); indexes on its copies of the foreign keys would
    # only be written, once more per submission.
    history = HistoricalRecords(
        excluded_fields=["content_hash"], no_db_index=["store", "observer", "rubric", "reviewed_by"]
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["store", "started_at"], name="visit_store_started"),
            models.Index(fields=["store", "week_start", "status"], name="visit_store_week_status"),
            models.Index(fields=["week_start", "status"], name="visit_week_status"),
            models.Index(fields=["observer", "store", "started_at"], name="visit_observer_store_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=F("started_at")),
                name="visit_ends_after_start",
                violation_error_message=_("“Ended at” must not be before “started at”."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values),
                name="visit_status_valid",
                violation_error_message=_("The status must be submitted, approved or rejected."),
            ),
            models.CheckConstraint(
                condition=Q(observer_role__in=ObserverRole.values),
                name="visit_observer_role_valid",
                violation_error_message=_("The observer role must be mystery shopper or supervisor."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="visit_latitude_range",
                violation_error_message=_("The latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="visit_longitude_range",
                violation_error_message=_("The longitude must lie between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="visit_position_complete",
                violation_error_message=_("Latitude and longitude are given together or not at all."),
            ),
            models.CheckConstraint(
                condition=Q(location_accuracy_m__isnull=True) | Q(location_accuracy_m__gte=0, latitude__isnull=False),
                name="visit_accuracy_with_position",
                violation_error_message=_("The location accuracy must not be negative and needs a position."),
            ),
            models.CheckConstraint(
                condition=Q(location_accuracy_m__isnull=True) | Q(location_accuracy_m__lte=MAX_LOCATION_ACCURACY_M),
                name="visit_accuracy_bounded",
            ),
            models.CheckConstraint(
                condition=Q(status=VisitStatus.SUBMITTED, reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(~Q(status=VisitStatus.SUBMITTED), reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="visit_review_matches_status",
                violation_error_message=_(
                    "A reviewed visit needs “reviewed by” and “reviewed at”; a submitted one has neither."
                ),
            ),
            *(
                models.CheckConstraint(
                    condition=_score_range(f),
                    name=f"visit_{f}_range",
                    violation_error_message=_("Scores lie between 0 and 100."),
                )
                for f in SCORE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store.code} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_counted(self) -> bool:
        """Whether the visit counts now, under OASIS_REPORTS_APPROVED_ONLY (e.g. for its alert)."""
        return self.status in counted_statuses()


# What an observer records about one interaction (everything else of it is derived).
OBSERVED_FIELDS = (
    "greeted",
    "greeting_seconds",
    "greeting_typed",
    "greeting_personal",
    "smile",
    "unsolicited_approaches",
    "followed",
    "asked",
    "response_seconds",
    "response_typed",
    "response_quality",
    "special_request",
    "notes",
)


class Interaction(ScoredModel):
    # Indexed by the unique (visit, position) constraint, which leads with it.
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("visit"), db_index=False
    )
    position = models.PositiveSmallIntegerField(_("position"))
    greeted = models.BooleanField(_("greeted"))
    greeting_seconds = models.PositiveIntegerField(_("seconds until greeted"), null=True, blank=True)
    # Seconds typed by hand rather than measured with the phone's clock: reviewers see which.
    greeting_typed = models.BooleanField(_("greeting seconds typed"), default=False)
    greeting_personal = models.BooleanField(_("personal greeting"), default=False)
    smile = models.PositiveSmallIntegerField(_("smile (1–5)"))
    unsolicited_approaches = models.PositiveSmallIntegerField(_("unsolicited approaches"), default=0)
    followed = models.BooleanField(_("staff followed the customer"), default=False)
    asked = models.BooleanField(_("customer asked"), default=False)
    response_seconds = models.PositiveIntegerField(_("seconds until attended"), null=True, blank=True)
    response_typed = models.BooleanField(_("response seconds typed"), default=False)
    response_quality = models.PositiveSmallIntegerField(_("answer quality (1–5)"), null=True, blank=True)
    special_request = models.BooleanField(_("unusual request"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_LENGTH)
    reviewed_notes = models.TextField(
        _("notes as reviewed (shown to managers)"), blank=True, max_length=NOTE_MAX_LENGTH
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "position"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "position"],
                name="interaction_position_unique",
                violation_error_message=_("Each interaction of a visit has its own position."),
            ),
            models.CheckConstraint(
                condition=Q(
                    greeted=True,
                    greeting_seconds__isnull=False,
                    greeting_seconds__gte=0,
                    greeting_seconds__lte=MAX_SECONDS,
                )
                | Q(greeted=False, greeting_seconds__isnull=True, greeting_personal=False),
                name="interaction_greeting_consistent",
                violation_error_message=_(
                    "“Seconds until greeted” is required (0 to 3600) when the customer was greeted; otherwise it stays empty and the greeting is not personal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    asked=True,
                    response_seconds__isnull=False,
                    response_seconds__gte=0,
                    response_seconds__lte=MAX_SECONDS,
                    response_quality__gte=1,
                    response_quality__lte=5,
                )
                | Q(asked=False, response_seconds__isnull=True, response_quality__isnull=True),
                name="interaction_response_consistent",
                violation_error_message=_(
                    "“Seconds until attended” (0 to 3600) and “answer quality” (1–5) are required when the customer asked, and empty otherwise."
                ),
            ),
            models.CheckConstraint(
                condition=Q(greeting_typed=False) | Q(greeted=True),
                name="interaction_greeting_typed",
                violation_error_message=_("A typed greeting time needs the customer to have been greeted."),
            ),
            models.CheckConstraint(
                condition=Q(response_typed=False) | Q(asked=True),
                name="interaction_response_typed",
                violation_error_message=_("A typed response time needs the customer to have asked."),
            ),
            models.CheckConstraint(
                condition=Q(smile__gte=1, smile__lte=5),
                name="interaction_smile_range",
                violation_error_message=_("The smile must be between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(unsolicited_approaches__gte=0),
                name="interaction_approaches_not_negative",
                violation_error_message=_("“Unsolicited approaches” must not be negative."),
            ),
            *(
                models.CheckConstraint(
                    condition=_score_range(f),
                    name=f"interaction_{f}_range",
                    violation_error_message=_("Scores lie between 0 and 100."),
                )
                for f in SCORE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position}"

    def values(self) -> scoring.InteractionValues:
        return scoring.InteractionValues(
            **{field: getattr(self, field) for field in scoring.InteractionValues.__dataclass_fields__}
        )


class RollupScope(models.TextChoices):
    """Which visits a rollup row counts: all counted visits, or only approved ones."""

    COUNTED = "counted", _("Submitted and approved visits")
    APPROVED = "approved", _("Approved visits only")


# The one definition of a counted visit: which statuses count in each rollup scope. Rejected
# visits never count; "approved only" (OASIS_REPORTS_APPROVED_ONLY, or head office's choice on a
# report) counts approved visits alone. The rollups (also their SQL), reports, alerts and planning
# all read it from here.
COUNTED_STATUSES: dict[str, tuple[str, ...]] = {
    RollupScope.COUNTED: (VisitStatus.SUBMITTED, VisitStatus.APPROVED),
    RollupScope.APPROVED: (VisitStatus.APPROVED,),
}


def counting_scope(approved_only: bool | None = None) -> str:
    """The rollup scope that counts the visits: approved only if asked, by default as the setting says."""
    if approved_only is None:
        approved_only = settings.OASIS_REPORTS_APPROVED_ONLY
    return RollupScope.APPROVED if approved_only else RollupScope.COUNTED


def counted_statuses(approved_only: bool | None = None) -> tuple[str, ...]:
    return COUNTED_STATUSES[counting_scope(approved_only)]
