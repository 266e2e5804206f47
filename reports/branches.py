"""The branch comparison: the league table of the stores a user may compare, with region
summaries and each store's 12-week trend."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from observations import scoring
from observations.models import StoreWeekRollup
from stores.models import Region, Role, Store, User
from stores.selectors import stores_reportable_to, supervises

from .figures import (
    FEW_VISITS,
    STORE_ROW_KEYS,
    Figures,
    Standing,
    figures_of,
    mean_by_week_and_region,
    rollup_rows,
    rollup_scope,
    rubrics_by_version,
    standings,
    sum_rows,
)
from .params import ReportParamError, parse_code
from .periods import Period, trend_weeks
from .publication import published_at
from .rollups import Totals


def branch_stores(user: User, region_code: str | None) -> QuerySet[Store]:
    """The stores of a branch comparison: head office all, supervisors their regions (403 for
    other roles); `region` narrows to one region (unknown: 400, not supervised: 404)."""
    if user.role not in (Role.HEAD_OFFICE, Role.SUPERVISOR):
        raise PermissionDenied
    stores = stores_reportable_to(user)
    region_code = parse_code(region_code, "region")
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise ReportParamError("region", f"there is no region with the code {region_code!r}.")
        if user.role != Role.HEAD_OFFICE and not supervises(user, region.pk):
            raise Http404
        stores = stores.filter(region=region)
    return stores


@dataclass(frozen=True)
class TrendPoint:
    week_start: dt.date
    soi: float | None
    n_visits: int


@dataclass(frozen=True)
class StoreRow:
    store: Store
    figures: Figures
    shrunk_soi: float | None
    rank: int | None
    trend: list[TrendPoint]

    @property
    def few_visits(self) -> bool:
        return self.figures.n_visits < FEW_VISITS

    def value(self, key: str):
        if key == "store":
            return self.store.code
        if key == "name":
            return self.store.name
        if key == "region":
            return self.store.region.code
        if key in ("shrunk_soi", "rank", "few_visits"):
            return getattr(self, key)
        return getattr(self.figures, key)

    def as_dict(self) -> dict:
        figures = self.figures.as_dict()
        values = {"store": self.store.code, "name": self.store.name, "region": self.store.region.code}
        values |= {"shrunk_soi": scoring.round1(self.shrunk_soi), "rank": self.rank, "few_visits": self.few_visits}
        return {key: values[key] if key in values else figures[key] for key in STORE_ROW_KEYS}


@dataclass(frozen=True)
class RegionSummary:
    region: Region
    figures: Figures
    band_counts: dict[str, int]


@dataclass(frozen=True)
class BranchReport:
    period: Period
    approved_only: bool
    sort: str
    descending: bool
    company: Figures
    regions: list[RegionSummary]
    stores: list[StoreRow]
    n_ranked: int
    trend_weeks: list[dt.date]
    published_at: dt.datetime  # when the period's last week is published in every store's time zone
    in_progress: bool  # not yet: figures may still change (only supervisors and head office get here)
    company_trend: dict[dt.date, float] = field(default_factory=dict)

    @property
    def band_counts(self) -> dict[str, int]:
        return _band_counts(self.stores)


def _band_counts(rows: Iterable[StoreRow]) -> dict[str, int]:
    counts = {"oasis": 0, "steppe": 0, "desert": 0, "none": 0}
    for row in rows:
        counts[row.figures.band or "none"] += 1
    return counts


def _sorted(rows: list[StoreRow], key: str, descending: bool) -> list[StoreRow]:
    """Stores without a value go last whatever the direction; ties by store code."""
    rows = sorted(rows, key=lambda row: row.store.code)
    present = [row for row in rows if row.value(key) is not None]
    missing = [row for row in rows if row.value(key) is None]
    return sorted(present, key=lambda row: row.value(key), reverse=descending) + missing


def branch_report(
    *,
    stores: QuerySet[Store],
    period: Period,
    approved_only: bool,
    sort: str = "rank",
    descending: bool = False,
    now: dt.datetime | None = None,
) -> BranchReport:
    """The league table of `stores` (already scoped, maybe filtered to a region). Five queries:
    the rubric versions, the stores, every store's rollups in the period (ranks and means are company-wide),
    the table's 12-week trends and the company's weekly means."""
    rubrics = rubrics_by_version()
    scope = rollup_scope(approved_only)
    table_stores = list(stores.select_related("region").order_by("code"))
    per_store, per_region, company = sum_rows(rollup_rows(scope=scope, weeks=period.weeks))
    ranks, n_ranked = standings(per_store, company.soi)
    trend = trend_weeks(period.last)
    trends: dict[int, dict[dt.date, TrendPoint]] = defaultdict(dict)
    for store_id, week, n, total in StoreWeekRollup.objects.filter(
        scope=scope, week_start__in=trend, store__in=stores.order_by().values("pk")
    ).values_list("store_id", "week_start", "n_visits", "soi_sum"):
        trends[store_id][week] = TrendPoint(week, total / n if n else None, n)
    _by_region, company_trend = mean_by_week_and_region(scope=scope, weeks=trend)
    empty = Totals()
    rows = []
    for store in table_stores:
        if not store.is_active and store.pk not in per_store:
            continue  # a closed store stays in the table only for periods it has visits in
        standing = ranks.get(store.pk, Standing(None, None))
        rows.append(
            StoreRow(
                store=store,
                figures=figures_of(per_store.get(store.pk, empty), rubrics),
                shrunk_soi=standing.shrunk_soi,
                rank=standing.rank,
                trend=[trends[store.pk].get(week, TrendPoint(week, None, 0)) for week in trend],
            )
        )
    regions = {store.region_id: store.region for store in table_stores}
    summaries = [
        RegionSummary(
            region=region,
            figures=figures_of(per_region.get(region.pk, empty), rubrics),
            band_counts=_band_counts(row for row in rows if row.store.region_id == region.pk),
        )
        for region in sorted(regions.values(), key=lambda region: region.code)
    ]
    zones = {store.tzinfo for store in table_stores} or {zoneinfo.ZoneInfo(settings.TIME_ZONE)}
    published = max(published_at(period.last, zone) for zone in zones)
    return BranchReport(
        published_at=published,
        in_progress=(now or timezone.now()) < published,
        period=period,
        approved_only=approved_only,
        sort=sort,
        descending=descending,
        company=figures_of(company, rubrics),
        regions=summaries,
        stores=_sorted(rows, sort, descending),
        n_ranked=n_ranked,
        trend_weeks=trend,
        company_trend=company_trend,
    )
