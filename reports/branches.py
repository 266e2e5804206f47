"""The branch comparison: the league table of the stores a user may compare, with region
summaries and each store's 12-week trend.

Ranks, means and band counts are company-wide, but only one page of the table is built: the
database ranks every store (`figures.shrunk_sql`), the region-week rollups give the region and
company figures, and the full figures and trends are computed for the stores shown."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
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
    Rubrics,
    area_totals,
    figures_of,
    mean_by_week_and_region,
    rollup_scope,
    rubric_of,
    rubrics_by_version,
    shrunk_sql,
    store_totals,
)
from .params import ReportParamError, parse_code
from .periods import Period, trend_weeks
from .publication import published_at
from .rollups import Totals, mean_soi


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


# Stores per page of the comparison (page and API): the league table, heatmap and trends of
# 10,000 stores took a browser seconds to lay out and the server seconds to compute.
BRANCH_PAGE_SIZE = 100


@dataclass(frozen=True)
class BranchReport:
    period: Period
    approved_only: bool
    sort: str
    descending: bool
    company: Figures
    regions: list[RegionSummary]
    stores: list[StoreRow]  # the rows of `page` (every row when the report is not paged)
    page: Page  # which rows of the whole table `stores` are; `page.paginator.count` stores in all
    band_counts: dict[str, int]  # over the whole table
    n_ranked: int
    trend_weeks: list[dt.date]
    published_at: dt.datetime  # when the period's last week is published in every store's time zone
    in_progress: bool  # not yet: figures may still change (only supervisors and head office get here)
    company_trend: dict[dt.date, float] = field(default_factory=dict)


def _band_counts(bands: Iterable[str | None]) -> dict[str, int]:
    counted = Counter(bands)
    return {"oasis": counted["oasis"], "steppe": counted["steppe"], "desert": counted["desert"], "none": counted[None]}


class _Entry(NamedTuple):
    """One store of the whole table, as the database ranked it: enough to sort, count bands and
    pick a page without computing every store's figures (a tuple: 10,000 of them are made)."""

    store_id: int
    code: str
    region_id: int
    n_visits: int
    soi: float | None
    shrunk_soi: float | None
    rank: int | None
    band: str | None


def _table(
    stores: QuerySet[Store], *, scope: str, weeks: list[dt.date], company_mean: float | None, rubrics: Rubrics
) -> tuple[list[_Entry], int]:
    """Every store of the table (closed ones only with visits in the period) with its company-wide
    standing, and the number of ranked stores: one query."""
    ranked, ranked_params = shrunk_sql(scope=scope, weeks=weeks, company_mean=company_mean)
    table, table_params = stores.order_by().values("pk", "code", "region_id", "is_active").query.sql_with_params()
    sql = (
        f"WITH ranked AS ({ranked}) "  # noqa: S608 (compiled querysets; the values are parameters)
        "SELECT t.pk, t.code, t.region_id, r.n, r.total, r.rubric_version, r.shrunk, r.rank, "
        "(SELECT count(*) FROM ranked WHERE shrunk IS NOT NULL) "
        f"FROM ({table}) AS t LEFT JOIN ranked AS r ON r.store_id = t.pk "
        "WHERE t.is_active OR r.store_id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ranked_params, *table_params])
        rows = cursor.fetchall()
    limits = {version: rubric_of(version, rubrics) for version in {row[5] or 0 for row in rows}}
    band = scoring.band
    entries = [
        _Entry(store_id, code, region_id, n or 0, soi, shrunk, rank, band(soi, limits[version or 0]))
        for store_id, code, region_id, n, total, version, shrunk, rank, _n_ranked in rows
        for soi in (mean_soi(n or 0, total or 0.0),)
    ]
    return entries, rows[0][8] if rows else 0


# Sort keys the table entries carry; the others need every store's figures (slower).
_ENTRY_KEYS = {"rank": 6, "shrunk_soi": 5, "soi": 4, "n_visits": 3, "store": 1}


def _ordered(entries: list[_Entry], descending: bool, value_of: Callable[[_Entry], Any]) -> list[_Entry]:
    """Stores without a value go last whatever the direction; ties by store code."""
    entries = sorted(entries, key=itemgetter(1))
    present = [entry for entry in entries if value_of(entry) is not None]
    missing = [entry for entry in entries if value_of(entry) is None]
    return sorted(present, key=value_of, reverse=descending) + missing


def branch_report(
    *,
    stores: QuerySet[Store],
    period: Period,
    approved_only: bool,
    sort: str = "rank",
    descending: bool = False,
    page: int | str | None = None,
    page_size: int | None = None,
    now: dt.datetime | None = None,
) -> BranchReport:
    """The league table of `stores` (already scoped, maybe filtered to a region), one page of
    `page_size` rows (`page`: a number; out of range or not a number, the nearest page), or
    every row when `page_size` is None. Nine queries whatever the number of stores: the rubric
    versions, the region-week rollups of the period (region and company figures), the whole
    table ranked by the database, its regions, the page's stores, their rollups, their 12-week
    trends, the company's weekly means and the table's time zones. Sorting by a column the ranking does not carry
    (a dimension, a rate, a median) adds one query over every store's rollups."""
    rubrics = rubrics_by_version()
    scope = rollup_scope(approved_only)
    per_region, company = area_totals(scope=scope, weeks=period.weeks)
    entries, n_ranked = _table(stores, scope=scope, weeks=period.weeks, company_mean=company.soi, rubrics=rubrics)
    regions = Region.objects.in_bulk({entry.region_id for entry in entries})
    empty = Totals()
    if sort in _ENTRY_KEYS:
        ordered = _ordered(entries, descending, itemgetter(_ENTRY_KEYS[sort]))
    elif sort == "region":
        ordered = _ordered(entries, descending, lambda entry: regions[entry.region_id].code)
    elif sort == "name":
        names = dict(stores.order_by().values_list("pk", "name"))
        ordered = _ordered(entries, descending, lambda entry: names[entry.store_id])
    else:
        every = store_totals(store_ids=stores.order_by().values("pk"), scope=scope, weeks=period.weeks)
        values = {
            entry.store_id: getattr(figures_of(every.get(entry.store_id, empty), rubrics), sort) for entry in entries
        }
        ordered = _ordered(entries, descending, lambda entry: values[entry.store_id])
    paginator = Paginator(ordered, page_size or max(1, len(ordered)))
    shown = paginator.get_page(page)
    shown_ids = [entry.store_id for entry in shown]
    if page_size is None:
        store_ids: list[int] | QuerySet = stores.order_by().values("pk")
        by_id = {store.pk: store for store in stores.select_related("region")}
    else:
        store_ids = shown_ids
        by_id = Store.objects.select_related("region").in_bulk(shown_ids)
    totals = store_totals(store_ids=store_ids, scope=scope, weeks=period.weeks)
    trend = trend_weeks(period.last)
    trends: dict[int, dict[dt.date, TrendPoint]] = defaultdict(dict)
    for store_id, week, n, total in StoreWeekRollup.objects.filter(
        scope=scope, week_start__in=trend, store__in=store_ids
    ).values_list("store_id", "week_start", "n_visits", "soi_sum"):
        trends[store_id][week] = TrendPoint(week, mean_soi(n, total), n)
    _by_region, company_trend = mean_by_week_and_region(scope=scope, weeks=trend)
    rows = [
        StoreRow(
            store=by_id[entry.store_id],
            figures=figures_of(totals.get(entry.store_id, empty), rubrics),
            shrunk_soi=entry.shrunk_soi,
            rank=entry.rank,
            trend=[trends[entry.store_id].get(week, TrendPoint(week, None, 0)) for week in trend],
        )
        for entry in shown
    ]
    shown.object_list = rows  # type: ignore[assignment]  # the page shows the rows built for its entries
    bands_by_region: dict[int, list[str | None]] = defaultdict(list)
    for entry in entries:
        bands_by_region[entry.region_id].append(entry.band)
    summaries = [
        RegionSummary(
            region=region,
            figures=figures_of(per_region.get(region.pk, empty), rubrics),
            band_counts=_band_counts(bands_by_region[region.pk]),
        )
        for region in sorted(regions.values(), key=lambda region: region.code)
    ]
    # the time zones of the table's stores (one query of a handful of rows)
    zone_names = stores.order_by().values_list("timezone", flat=True).distinct()
    zones = {zoneinfo.ZoneInfo(zone) for zone in zone_names} or {zoneinfo.ZoneInfo(settings.TIME_ZONE)}
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
        stores=rows,
        page=shown,
        band_counts=_band_counts(entry.band for entry in entries),
        n_ranked=n_ranked,
        trend_weeks=trend,
        company_trend=company_trend,
    )
