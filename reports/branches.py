"""The branch comparison: the league table of the stores a user may compare, with region
summaries and each store's 12-week trend.

Ranks, means and band counts are company-wide, but only one page of the table is built: the
database ranks every store (`figures.shrunk_sql`), the region-week rollups give the region and
company figures, and the full figures and trends are computed for the stores shown."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Sequence
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
from stores.models import Region, Role, Store, User
from stores.selectors import stores_reportable_to, supervises

from .figures import (
    FEW_VISITS,
    STORE_ROW_KEYS,
    Figures,
    Rubrics,
    area_totals,
    band_sql,
    figures_of,
    mean_by_week_and_region,
    rollup_scope,
    rubrics_by_version,
    shrunk_sql,
    store_totals,
    unranked_sql,
)
from .models import StoreWeekRollup
from .params import MAX_PAGE, ReportParamError, parse_code
from .periods import Period, trend_weeks
from .publication import published_at
from .totals import Totals, mean_soi


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


class _Entry(NamedTuple):
    """A store of the table as the database ranked it (for sorting by a column the database does
    not order by: every store of the table is fetched)."""

    store_id: int
    code: str
    region_id: int
    n_visits: int
    shrunk_soi: float | None
    rank: int | None


def _table_sql(
    stores: QuerySet[Store], *, scope: str, weeks: list[dt.date], company_mean: float | None, ranks: bool = True
) -> tuple[str, list]:
    """`WITH ranked AS (...), tbl AS (...)`: every store of the table (closed ones only with
    visits in the period) with its sums and company-wide standing: `pk, code, region_id, n,
    total, rubric_version, shrunk, rank` (`rank` NULL unless `ranks`: ranking sorts every store)."""
    if ranks:
        ranked, ranked_params = shrunk_sql(scope=scope, weeks=weeks, company_mean=company_mean)
    else:
        ranked, ranked_params = unranked_sql(scope=scope, weeks=weeks, company_mean=company_mean)
    table, table_params = (
        stores.order_by().values("pk", "code", "region_id", "timezone", "is_active").query.sql_with_params()
    )
    rank = "r.rank" if ranks else "CAST(NULL AS bigint)"
    sql = (
        f"WITH ranked AS ({ranked}), "  # noqa: S608 (compiled querysets; the values are parameters)
        "tbl AS (SELECT t.pk, t.code, t.region_id, t.timezone, coalesce(r.n, 0) AS n, r.total, r.rubric_version, "
        "r.shrunk, "
        f"{rank} AS rank FROM ({table}) AS t LEFT JOIN ranked AS r ON r.store_id = t.pk "
        "WHERE t.is_active OR r.store_id IS NOT NULL) "
    )
    return sql, [*ranked_params, *table_params]


def _order_by(order: str | None, descending: bool) -> str | None:
    """The SQL order of the table by `order` (None: not one the database orders by); stores
    without a value last whatever the direction, ties by store code compared by code point."""
    if order not in _ORDER_SQL and order != "store":
        return None
    direction = "DESC" if descending else "ASC"
    code = '"code" COLLATE "C"' if connection.vendor == "postgresql" else "code"
    if order == "store":
        return f"{code} {direction}"
    value = _ORDER_SQL[order]
    if order == "rank":  # rank ascending is the shrunk score descending
        direction = "ASC" if descending else "DESC"
    return f"({value}) IS NULL, {value} {direction}, {code}"


# Sort keys the database orders by; others are sorted here from every store's values.
_ORDER_SQL = {"rank": "shrunk", "shrunk_soi": "shrunk", "soi": "CASE WHEN n > 0 THEN total / n END", "n_visits": "n"}


@dataclass
class _Table:
    """What the database says of the whole table in one query: band counts per region, the number
    of ranked stores company-wide, the time zones, and (when it orders by the sort key) one page."""

    bands: dict[int, dict[str, int]]
    n_ranked: int
    zones: set[str]
    offset: int
    entries: list[_Entry]

    @property
    def count(self) -> int:
        return sum(sum(counts.values()) for counts in self.bands.values())


def _page_sql(order_by: str) -> str:
    """`page AS (...), paged AS (...)` after `_table_sql`'s CTEs: one slice of the table in the
    order asked for (`LIMIT %s OFFSET %s`), each row with its company-wide competition rank and its
    `position` on the page. The rank is `shrunk_sql`'s, taken among the stores that score at least
    as well as the page's lowest (for the league's first page about as many stores as it shows)
    rather than by sorting every store: a store's rank depends only on the stores above it."""
    return (
        "page AS (SELECT pk, code, region_id, n, total, shrunk FROM tbl "  # noqa: S608 (order_by: _order_by's)
        f"ORDER BY {order_by} LIMIT %s OFFSET %s), "
        "above AS (SELECT shrunk, rank() OVER (ORDER BY shrunk DESC) AS rank FROM ranked "
        "WHERE shrunk >= (SELECT min(shrunk) FROM page)), "
        "paged AS (SELECT pk, code, region_id, n, shrunk, ranks.rank, "
        f"row_number() OVER (ORDER BY {order_by}) AS position FROM page LEFT JOIN "
        "(SELECT shrunk AS ranked_shrunk, min(rank) AS rank FROM above GROUP BY shrunk) AS ranks "
        "ON ranks.ranked_shrunk = page.shrunk) "
    )


def _table(
    stores: QuerySet[Store], *, table: dict, rubrics: Rubrics, order_by: str | None, offset: int, limit: int
) -> _Table:
    sql, params = _table_sql(stores, **table, ranks=False)
    band, band_params = band_sql("CASE WHEN n > 0 THEN total / n END", "rubric_version", rubrics)
    page_params: list = []
    if order_by:
        sql = sql[:-1] + ", " + _page_sql(order_by)
        page_params = [limit, offset]
        page = "SELECT pk, code, region_id, n, shrunk, rank, position FROM paged"
    else:
        page = "SELECT pk, code, region_id, n, shrunk, rank, 0 AS position FROM tbl WHERE false"
    sql += (  # the page's rows (part 0), then the bands (part 1): one scan of the table for both
        f"SELECT 0, pk, code, region_id, n, shrunk, rank, NULL, position FROM ({page}) AS page_rows "  # noqa: S608
        "UNION ALL SELECT 1, NULL, band, region_id, count(*), NULL, (SELECT count(shrunk) FROM ranked), timezone, NULL "
        f"FROM (SELECT region_id, timezone, {band} AS band FROM tbl) AS banded GROUP BY region_id, band, timezone"
    )
    found = _Table({}, 0, set(), offset, [])
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("oasis", "steppe", "desert", "none"), 0))
    positioned = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *page_params, *band_params])
        for part, pk, code, region_id, n, shrunk, rank, zone, position in cursor.fetchall():
            if part == 0:
                positioned.append((position, _Entry(pk, code, region_id, n, shrunk, rank)))
            else:
                counts[region_id][code or "none"] += n
                found.zones.add(zone)
                found.n_ranked = rank
    found.entries = [entry for _position, entry in sorted(positioned, key=itemgetter(0))]
    found.bands = dict(counts)
    return found


class _Page:
    """The table in the order asked for, fetched one slice (page) at a time by the database; the
    slice fetched with the band counts is not fetched again."""

    def __init__(self, stores, *, found: _Table, order_by: str, **table):
        self.stores, self.found, self.order_by, self.table = stores, found, order_by, table

    def __len__(self) -> int:
        return self.found.count

    def __getitem__(self, part: slice) -> list[_Entry]:
        if part.start == self.found.offset and part.stop - part.start <= len(self.found.entries):
            return self.found.entries[: part.stop - part.start]
        table, params = _table_sql(self.stores, **self.table, ranks=False)
        page = "SELECT pk, code, region_id, n, shrunk, rank FROM paged ORDER BY position"
        sql = f"{table[:-1]}, {_page_sql(self.order_by)}{page}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, part.stop - part.start, part.start])
            return [_Entry(*row) for row in cursor.fetchall()]


def _page_number(page: int | str | None) -> int:
    """The page asked for, as Paginator.get_page will read it (a guess: past the last page it
    shows the last one, which `_Page` then fetches)."""
    try:
        return min(max(1, int(page or 1)), MAX_PAGE)  # a 100-digit page number must not reach OFFSET
    except (TypeError, ValueError):
        return 1


def _every_entry(stores: QuerySet[Store], **table) -> list[_Entry]:
    sql, params = _table_sql(stores, **table)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql}SELECT pk, code, region_id, n, shrunk, rank FROM tbl", params)  # noqa: S608
        return [_Entry(*row) for row in cursor.fetchall()]


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
    every row when `page_size` is None. Eight queries whatever the number of stores: the rubric
    versions, the region-week rollups of the period (region and company figures), the page
    ranked and ordered by the database together with the table's band counts per region and
    time zones, its regions, the page's stores, their rollups, their 12-week trends and the
    company's weekly means (a page past the last: one more, for the last). Sorting by a column
    the database does not order by (name, region, a dimension, a rate, a median) fetches every
    store of the table, and for a figure every store's rollups."""
    rubrics = rubrics_by_version()
    scope = rollup_scope(approved_only)
    per_region, company = area_totals(scope=scope, weeks=period.weeks)
    table = {"scope": scope, "weeks": period.weeks, "company_mean": company.soi}
    order_by = _order_by(sort, descending)
    offset = (_page_number(page) - 1) * page_size if page_size else 0
    found = _table(stores, table=table, rubrics=rubrics, order_by=order_by, offset=offset, limit=page_size or 10**9)
    bands, n_ranked, zone_names, count = found.bands, found.n_ranked, found.zones, found.count
    regions = Region.objects.in_bulk(list(bands))
    empty = Totals()
    ordered: Sequence[_Entry]
    if order_by is not None:
        ordered = _Page(stores, found=found, order_by=order_by, **table)
    else:  # every store's value of the column, sorted here
        entries = _every_entry(stores, **table)
        if sort == "region":
            ordered = _ordered(entries, descending, lambda entry: regions[entry.region_id].code)
        elif sort == "name":
            names = dict(stores.order_by().values_list("pk", "name"))
            ordered = _ordered(entries, descending, lambda entry: names[entry.store_id])
        else:
            every = store_totals(store_ids=stores.order_by().values("pk"), scope=scope, weeks=period.weeks)
            values = {
                entry.store_id: getattr(figures_of(every.get(entry.store_id, empty), rubrics), sort)
                for entry in entries
            }
            ordered = _ordered(entries, descending, lambda entry: values[entry.store_id])
    paginator = Paginator(ordered, page_size or max(1, count))
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
    for store_id, week, n, total in (
        StoreWeekRollup.objects.filter(scope=scope, week_start__in=trend, store__in=store_ids)
        .order_by()
        .values_list("store_id", "week_start", "n_visits", "soi_sum")
    ):  # unordered: no join to stores
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
    summaries = [
        RegionSummary(
            region=region,
            figures=figures_of(per_region.get(region.pk, empty), rubrics),
            band_counts=bands[region.pk],
        )
        for region in sorted(regions.values(), key=lambda region: region.code)
    ]
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
        band_counts={
            band: sum(counts[band] for counts in bands.values()) for band in ("oasis", "steppe", "desert", "none")
        },
        n_ranked=n_ranked,
        trend_weeks=trend,
        company_trend=company_trend,
    )
