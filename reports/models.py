"""Region-week rollups: the sums of a region's store-week rollups, so that a report reads a
region's or the company's week from a handful of rows instead of every store's."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from observations.models import RollupScope
from stores.models import Region


class RegionWeekRollup(models.Model):
    """The merged store-week rollups of one region in one week, for one scope (`reports.rollups`
    recomputes it from them whenever one of them changes). The company's week is the sum of its
    regions' rows. The seconds are kept as counts ({"12": 3}), which merge without listing every
    interaction and give the same medians."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="week_rollups", verbose_name=_("region"))
    week_start = models.DateField(_("week (Monday)"))
    scope = models.CharField(_("scope"), max_length=10, choices=RollupScope.choices)
    n_visits = models.PositiveIntegerField(_("visits"), default=0)
    soi_sum = models.FloatField(default=0)
    soi_sum_squares = models.FloatField(default=0)
    greeting_sum = models.FloatField(default=0)
    greeting_n = models.PositiveIntegerField(default=0)
    smile_sum = models.FloatField(default=0)
    smile_n = models.PositiveIntegerField(default=0)
    hovering_sum = models.FloatField(default=0)
    hovering_n = models.PositiveIntegerField(default=0)
    response_sum = models.FloatField(default=0)
    response_n = models.PositiveIntegerField(default=0)
    n_interactions = models.PositiveIntegerField(_("interactions"), default=0)
    n_greeted = models.PositiveIntegerField(default=0)
    n_smiling = models.PositiveIntegerField(default=0)
    n_hovering = models.PositiveIntegerField(default=0)
    greeting_seconds = models.JSONField(default=dict)
    response_seconds = models.JSONField(default=dict)
    rubric_version = models.PositiveIntegerField(_("rubric version"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "week_start", "scope"]
        verbose_name = _("region week rollup")
        verbose_name_plural = _("region week rollups")
        indexes = [models.Index(fields=["scope", "week_start"], name="region_rollup_scope_week")]
        constraints = [
            models.UniqueConstraint(fields=["region", "week_start", "scope"], name="region_rollup_unique"),
            models.CheckConstraint(
                condition=Q(scope__in=RollupScope.values),
                name="region_rollup_scope_valid",
                violation_error_message=_("The scope must be all counted visits or approved visits only."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.week_start} {self.scope}"
