"""The versioned scoring rubric, and the version in force (cached)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from observations import scoring


class Rubric(models.Model):
    """One version of the scoring rubric. Versions are never edited once visits use them:
    head office saves changes as a new version, and each visit keeps the version it was scored with."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    greeting_weight = models.FloatField(_("greeting weight"), default=0.30)
    smile_weight = models.FloatField(_("smile weight"), default=0.20)
    hovering_weight = models.FloatField(_("hovering weight"), default=0.20)
    response_weight = models.FloatField(_("response weight"), default=0.30)
    greeting_target_seconds = models.PositiveIntegerField(_("greeting target (s)"), default=30)
    greeting_zero_seconds = models.PositiveIntegerField(_("greeting counts zero from (s)"), default=90)
    greeting_timeliness_share = models.FloatField(_("greeting: share of timeliness"), default=0.7)
    response_target_seconds = models.PositiveIntegerField(_("response target (s)"), default=60)
    response_zero_seconds = models.PositiveIntegerField(_("response counts zero from (s)"), default=180)
    response_timeliness_share = models.FloatField(_("response: share of timeliness"), default=0.4)
    follow_penalty = models.FloatField(_("penalty for following"), default=50)
    approach_penalty = models.FloatField(_("penalty per extra approach"), default=25)
    oasis_min_soi = models.FloatField(_("oasis from SOI"), default=75)
    desert_below_soi = models.FloatField(_("desert below SOI"), default=50)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    greeting_weight__gte=0, smile_weight__gte=0, hovering_weight__gte=0, response_weight__gte=0
                ),
                name="rubric_weights_not_negative",
                violation_error_message=_("The weights (greeting, smile, hovering, response) must not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(greeting_weight__gt=0) | Q(smile_weight__gt=0) | Q(hovering_weight__gt=0),
                name="rubric_some_weight_always_scored",
                violation_error_message=_(
                    "At least one of the greeting, smile and hovering weights must be above 0 (the response is not always scored)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(greeting_target_seconds__lt=F("greeting_zero_seconds")),
                name="rubric_greeting_target_before_zero",
                violation_error_message=_("The greeting target (s) must be less than “greeting counts zero from (s)”."),
            ),
            models.CheckConstraint(
                condition=Q(response_target_seconds__lt=F("response_zero_seconds")),
                name="rubric_response_target_before_zero",
                violation_error_message=_("The response target (s) must be less than “response counts zero from (s)”."),
            ),
            models.CheckConstraint(
                condition=Q(greeting_timeliness_share__gte=0, greeting_timeliness_share__lte=1)
                & Q(response_timeliness_share__gte=0, response_timeliness_share__lte=1),
                name="rubric_shares_in_unit_range",
                violation_error_message=_("The shares of timeliness (greeting and response) must lie between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(follow_penalty__gte=0, approach_penalty__gte=0),
                name="rubric_penalties_not_negative",
                violation_error_message=_(
                    "The penalty for following and the penalty per extra approach must not be negative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(desert_below_soi__gte=0, oasis_min_soi__lte=100, desert_below_soi__lte=F("oasis_min_soi")),
                name="rubric_bands_ordered",
                violation_error_message=_(
                    "“Desert below SOI” must lie between 0 and “oasis from SOI”, and “oasis from SOI” must be at most 100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Rubric v{self.version}"

    @classmethod
    def in_force(cls) -> Rubric:
        """The newest version: the one new visits are scored with. Version 1 (the defaults of docs/product.md)
        comes with the migrations; should it be missing (a flushed database), it is recreated.

        Asked often (the rubric page, reports; submissions on PostgreSQL read it with their store,
        `observations.submission_reads`), so it is cached; saving or deleting a rubric drops the
        cached one at once and again after commit. A process that read the old version just
        before a new one committed can cache it once more: at most for IN_FORCE_CACHE_SECONDS."""
        rubric = cache.get(IN_FORCE_CACHE_KEY)
        if rubric is None:
            rubric = cls.objects.order_by("-version").first()
            if rubric is None:
                rubric, _ = cls.objects.get_or_create(version=1)
            if not transaction.get_connection().in_atomic_block:  # never cache what may roll back
                cache.set(IN_FORCE_CACHE_KEY, rubric, IN_FORCE_CACHE_SECONDS)
        return rubric

    def params(self) -> scoring.RubricParams:
        return scoring.RubricParams(
            **{field: getattr(self, field) for field in scoring.RubricParams.__dataclass_fields__}
        )


IN_FORCE_CACHE_KEY = "rubric-in-force:1"
IN_FORCE_CACHE_SECONDS = 60


@receiver([post_save, post_delete], sender=Rubric, dispatch_uid="rubric-in-force-cache")
def _forget_rubric_in_force(**kwargs) -> None:
    cache.delete(IN_FORCE_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(IN_FORCE_CACHE_KEY))
