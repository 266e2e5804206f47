"""Region-week rollups: the sums of a region's store-week rollups, so that a report reads a
region's or the company's week from a handful of rows instead of every store's."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from observations.models import RollupScope, WeekSums
from stores.models import Region


class RegionWeekRollup(WeekSums):
    """The merged store-week rollups of one region in one week, for one scope (`reports.rollups`
    recomputes it from them whenever one of them changes). The company's week is the sum of its
    regions' rows. The seconds are kept as counts ({"12": 3}), which merge without listing every
    interaction and give the same medians."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="week_rollups", verbose_name=_("region"))
    greeting_seconds = models.JSONField(default=dict)
    response_seconds = models.JSONField(default=dict)

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
