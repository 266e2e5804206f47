"""The project's visit and interaction columns (same names, types, indexes and check constraints),
without the project's extras: no audit trail, no scoring, no rubric table (`rubric_id` is a plain
nullable column here). Users are Django's own."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

SCORE_FIELDS = ("soi", "greeting_score", "smile_score", "hovering_score", "response_score")


def _score_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100})


class Store(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    city = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, default="Europe/Berlin")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class Scored(models.Model):
    soi = models.FloatField(null=True, blank=True)
    greeting_score = models.FloatField(null=True, blank=True)
    smile_score = models.FloatField(null=True, blank=True)
    hovering_score = models.FloatField(null=True, blank=True)
    response_score = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True


class Visit(Scored):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="visits", db_index=False)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    observer_role = models.CharField(max_length=20, default="supervisor")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    week_start = models.DateField()
    status = models.CharField(max_length=20, default="submitted")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reviewed_visits"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, max_length=5000)
    notes = models.TextField(blank=True, max_length=5000)
    rubric_id = models.BigIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_accuracy_m = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    n_interactions = models.PositiveSmallIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["store", "started_at"], name="peer_visit_store_started"),
            models.Index(fields=["store", "week_start", "status"], name="peer_visit_store_week_status"),
            models.Index(fields=["week_start", "status"], name="peer_visit_week_status"),
            models.Index(fields=["observer", "store", "started_at"], name="peer_visit_observer_store"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gte=F("started_at")), name="peer_visit_ends_after_start"),
            *(models.CheckConstraint(condition=_score_range(f), name=f"peer_visit_{f}_range") for f in SCORE_FIELDS),
        ]

    def __str__(self) -> str:
        return str(self.id)


class Interaction(Scored):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="interactions", db_index=False)
    position = models.PositiveSmallIntegerField()
    greeted = models.BooleanField()
    greeting_seconds = models.PositiveIntegerField(null=True, blank=True)
    greeting_personal = models.BooleanField(default=False)
    smile = models.PositiveSmallIntegerField()
    unsolicited_approaches = models.PositiveSmallIntegerField(default=0)
    followed = models.BooleanField(default=False)
    asked = models.BooleanField(default=False)
    response_seconds = models.PositiveIntegerField(null=True, blank=True)
    response_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    special_request = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="peer_interaction_position_unique"),
            models.CheckConstraint(
                condition=Q(greeted=True, greeting_seconds__isnull=False, greeting_seconds__gte=0)
                | Q(greeted=False, greeting_seconds__isnull=True, greeting_personal=False),
                name="peer_interaction_greeting_consistent",
            ),
            models.CheckConstraint(
                condition=Q(
                    asked=True, response_seconds__isnull=False, response_quality__gte=1, response_quality__lte=5
                )
                | Q(asked=False, response_seconds__isnull=True, response_quality__isnull=True),
                name="peer_interaction_response_consistent",
            ),
            models.CheckConstraint(condition=Q(smile__gte=1, smile__lte=5), name="peer_interaction_smile_range"),
            *(
                models.CheckConstraint(condition=_score_range(f), name=f"peer_interaction_{f}_range")
                for f in SCORE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position}"
