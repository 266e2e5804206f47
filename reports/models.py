"""The rollups of counted visits: a store's week (recomputed from its visits) and a region's week
(the sums of its stores' weeks), so that a report reads a handful of rows instead of every visit.
Both are maintained by `reports.rollups` and refreshed through the outbox (`reports.tasks`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from observations.models import RollupScope
from stores.models import Region, Store


def scope_is_valid(name: str) -> models.CheckConstraint:
    """The one rule of a week table's scope: all counted visits or approved visits only."""
    return models.CheckConstraint(
        condition=Q(scope__in=RollupScope.values),
        name=name,
        violation_error_message=_("The scope must be all counted visits or approved visits only."),
    )


class WeekSums(models.Model):
    """The sums and counts of one week's counted visits for one scope, which merge across stores
    and weeks (a store's week, a region's week). The seconds for the medians are each model's own."""

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
    # The latest rubric version the week's counted visits were scored with: the week is banded
    # with its limits, so a new rubric never shifts the bands of past weeks.
    rubric_version = models.PositiveIntegerField(_("rubric version"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StoreWeekRollup(WeekSums):
    """Everything the reports need about one store in one week, for one scope.

    Maintained by `reports.rollups` (recomputed from the stored visits, never incremented)
    so that a report reads a constant number of rows per store whatever the number of visits.
    Sums and counts merge across stores and weeks; the seconds lists merge for medians.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="week_rollups", verbose_name=_("store"))
    greeting_seconds = models.JSONField(default=list)
    response_seconds = models.JSONField(default=list)

    class Meta:
        ordering = ["store", "week_start", "scope"]
        verbose_name = _("store week rollup")
        verbose_name_plural = _("store week rollups")
        indexes = [
            # Covering (PostgreSQL): the league standings and a region's sums read every store's
            # rollup of a week, and the rows of a week lie scattered over the table (one heap
            # page each, 40 ms at 10,000 stores); from the index alone they cost a few ms.
            models.Index(
                fields=["scope", "week_start", "store"],
                name="rollup_scope_week",
                include=[
                    "n_visits",
                    "soi_sum",
                    "soi_sum_squares",
                    "greeting_sum",
                    "greeting_n",
                    "smile_sum",
                    "smile_n",
                    "hovering_sum",
                    "hovering_n",
                    "response_sum",
                    "response_n",
                    "n_interactions",
                    "n_greeted",
                    "n_smiling",
                    "n_hovering",
                    "rubric_version",
                ],
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["store", "week_start", "scope"], name="rollup_store_week_scope_unique"),
            scope_is_valid("rollup_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.week_start} {self.scope}"


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
            scope_is_valid("region_rollup_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.week_start} {self.scope}"


class WeekStandings(models.Model):
    """The league's statistics of one week and scope, estimated from the store-week rollups by
    `reports.standings` (refreshed by the beat when a rollup of its window changed), read by the
    league standings in their one query."""

    week_start = models.DateField(_("week (Monday)"))
    scope = models.CharField(_("scope"), max_length=10, choices=RollupScope.choices)
    # k: the company mean counts as k visits of a store (sigma^2 / tau^2 within its bounds)
    shrinkage = models.FloatField(_("shrinkage constant"))
    # False: too few store-weeks for an estimate, the fallback constant applies
    estimated = models.BooleanField(_("estimated from the data"), default=False)
    within_variance = models.FloatField(_("variance of visits within a store-week"), null=True)
    between_variance = models.FloatField(_("variance of store-weeks' true means"), null=True)
    store_weeks = models.PositiveIntegerField(_("store-weeks"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    # the window's visits and SOI sum by the region rollups when computed: changed, it is recomputed
    seen_visits = models.PositiveIntegerField(default=0)
    seen_soi_sum = models.FloatField(default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-week_start", "scope"]
        verbose_name = _("week standings")
        verbose_name_plural = _("week standings")
        constraints = [
            models.UniqueConstraint(fields=["scope", "week_start"], name="week_standings_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.week_start} {self.scope} k={self.shrinkage:.2f}"


class StoreWeekStanding(models.Model):
    """The 95 % interval of a store's rank in one week, every store's score uncertain: computed with
    the week's `WeekStandings` by `reports.standings` (a seeded simulation), read by the store
    report in its standing's one query."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="week_standings", verbose_name=_("store"))
    week_start = models.DateField(_("week (Monday)"))
    scope = models.CharField(_("scope"), max_length=10, choices=RollupScope.choices)
    rank_low = models.PositiveIntegerField(_("best rank within the 95 % interval"))
    rank_high = models.PositiveIntegerField(_("worst rank within the 95 % interval"))

    class Meta:
        ordering = ["week_start", "scope", "store"]
        verbose_name = _("store week standing")
        verbose_name_plural = _("store week standings")
        constraints = [
            models.UniqueConstraint(fields=["scope", "week_start", "store"], name="store_week_standing_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.week_start} {self.scope} {self.rank_low}-{self.rank_high}"


class PublishedStoreWeek(WeekSums):
    """A store-week as its managers read it: the store-week rollup, the notes they may read and the
    visits' scores behind the report's calls, copied when the week is published and copied again
    only at the store's next publication after a late change (`reports.revisions`). Head office and
    supervisors read the live rollup; managers read this, so a published week never changes under
    their eyes. `revised_on`: the day of the publication that last brought a late change."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="published_weeks", verbose_name=_("store"))
    greeting_seconds = models.JSONField(default=list)
    response_seconds = models.JSONField(default=list)
    # the texts of the approved visits' reviewed notes, as `reports.notes` gives them to managers
    notes = models.JSONField(default=list)
    # the counted visits' scores of the week (`reports.samples`), for the significance of changes
    visit_scores = models.JSONField(default=dict)
    first_published_at = models.DateTimeField(_("first published at"))
    revised_on = models.DateField(_("revised on"), null=True, blank=True)
    # the league's shrinkage constant and the store's rank interval of the week as copied
    # (`reports.standings`): the rank a manager reads moves no more than the figures
    shrinkage = models.FloatField(_("shrinkage constant"), null=True, blank=True)
    rank_low = models.PositiveIntegerField(_("best rank within the 95 % interval"), null=True, blank=True)
    rank_high = models.PositiveIntegerField(_("worst rank within the 95 % interval"), null=True, blank=True)

    class Meta:
        ordering = ["store", "week_start", "scope"]
        verbose_name = _("published store week")
        verbose_name_plural = _("published store weeks")
        indexes = [
            # as the live rollup's: the standings read every store's row of a week
            models.Index(
                fields=["scope", "week_start", "store"],
                name="published_scope_week",
                include=["n_visits", "soi_sum", "rubric_version"],
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["store", "week_start", "scope"], name="published_store_week_unique"),
            scope_is_valid("published_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.week_start} {self.scope} (published)"


class PublishedRegionWeek(WeekSums):
    """The sums of a region's published store-weeks (`reports.revisions` recomputes it whenever one
    of them is published or revised): the region and company comparison managers read."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="published_weeks", verbose_name=_("region")
    )
    greeting_seconds = models.JSONField(default=dict)
    response_seconds = models.JSONField(default=dict)

    class Meta:
        ordering = ["region", "week_start", "scope"]
        verbose_name = _("published region week")
        verbose_name_plural = _("published region weeks")
        indexes = [models.Index(fields=["scope", "week_start"], name="published_region_scope_week")]
        constraints = [
            models.UniqueConstraint(fields=["region", "week_start", "scope"], name="published_region_week_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.week_start} {self.scope} (published)"


class StorePublication(models.Model):
    """How far a store's weeks are published to its managers: the latest week copied, and when the
    copy was made (late changes since then are looked for at the next publication)."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="publication", verbose_name=_("store"))
    week_start = models.DateField(_("latest published week (Monday)"))
    published_at = models.DateTimeField(_("copied at"))

    class Meta:
        verbose_name = _("store publication")
        verbose_name_plural = _("store publications")

    def __str__(self) -> str:
        return f"{self.store_id} {self.week_start}"
