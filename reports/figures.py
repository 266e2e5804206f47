"""Figures of a store, a region or the company over some weeks, from the store-week rollups,
and the league standings. Unrounded here: `Figures.as_dict` and the templates round."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Max, QuerySet, Sum

from observations import scoring
from observations.models import Rubric, counting_scope

from . import standings
from .models import PublishedRegionWeek, PublishedStoreWeek, RegionWeekRollup, StoreWeekRollup, StoreWeekStanding
from .totals import ROLLUP_FIELDS, Totals, mean_soi

# Below this many visits a store's figures are marked as resting on too few visits: with one or two
# visits a week there is no interval worth the name (a t-interval on 1 degree of freedom is 12.7
# standard errors wide), and its league position says more about the visits than the store.
FEW_VISITS = 3
# A dimension or rate is mentioned in "what changed" when it moved at least this many points.
NOTABLE_CHANGE = 5.0

SORT_KEYS: tuple[str, ...] = (
    "rank",
    "store",
    "name",
    "region",
    "soi",
    "shrunk_soi",
    "n_visits",
    "n_interactions",
    *scoring.DIMENSIONS,
    "greeting_rate",
    "smile_rate",
    "hovering_rate",
    "median_greeting_seconds",
    "median_response_seconds",
)

# The columns of a store row, in the order of the branch CSV and the API's `stores` objects.
FIGURE_KEYS: tuple[str, ...] = (
    "soi",
    "band",
    "n_visits",
    "n_interactions",
    "ci_low",
    "ci_high",
    *scoring.DIMENSIONS,
    "greeting_rate",
    "smile_rate",
    "hovering_rate",
    "median_greeting_seconds",
    "median_response_seconds",
)
STORE_ROW_KEYS: tuple[str, ...] = (
    "store",
    "name",
    "region",
    *FIGURE_KEYS[:6],
    "shrunk_soi",
    "rank",
    *FIGURE_KEYS[6:],
    "few_visits",
)


@dataclass(frozen=True)
class Figures:
    """The figures of one store, region or the company over a period (unrounded; None = no data)."""

    n_visits: int
    n_interactions: int | None  # None: not shown (a store manager's view: reports.manager_view)
    soi: float | None
    band: str | None
    ci_low: float | None
    ci_high: float | None
    greeting: float | None
    smile: float | None
    hovering: float | None
    response: float | None
    greeting_rate: float | None
    smile_rate: float | None
    hovering_rate: float | None
    median_greeting_seconds: float | None
    median_response_seconds: float | None
    # (desert below, oasis from) of the rubric that banded it
    band_limits: tuple[float, float] = (scoring.DEFAULT_RUBRIC.desert_below_soi, scoring.DEFAULT_RUBRIC.oasis_min_soi)

    def dimension(self, name: str) -> float | None:
        return getattr(self, name)

    @property
    def band_uncertain(self) -> bool:
        """Whether the band may be another one: fewer than two visits (no interval), or the SOI's 95%
        interval reaches across a band limit. About 3 in 4 store-weeks of 2-6 shopper visits are."""
        if self.soi is None:
            return False
        if self.ci_low is None or self.ci_high is None:
            return True
        return any(self.ci_low < limit <= self.ci_high for limit in self.band_limits)

    def as_dict(self) -> dict:
        """For JSON and CSV: numbers to one decimal."""
        return {
            key: (scoring.round1(value) if isinstance(value, float) else value)
            for key, value in ((key, getattr(self, key)) for key in FIGURE_KEYS)
        }


def figures_of(totals: Totals, rubrics: Rubrics) -> Figures:
    """The figures of `totals`, banded with the limits of the rubric its visits were scored with
    (the latest, where several), so that a new rubric never shifts a past week's band."""
    soi = totals.soi
    interval = totals.confidence_interval()
    rubric = rubric_of(totals.rubric_version, rubrics)
    return Figures(
        band_limits=(rubric.desert_below_soi, rubric.oasis_min_soi),
        n_visits=totals.n_visits,
        n_interactions=totals.n_interactions,
        soi=soi,
        band=scoring.band(soi, rubric),
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        **{name: totals.dimension(name) for name in scoring.DIMENSIONS},
        greeting_rate=totals.rate(totals.n_greeted),
        smile_rate=totals.rate(totals.n_smiling),
        hovering_rate=totals.rate(totals.n_hovering),
        median_greeting_seconds=totals.greeting_seconds.median(),
        median_response_seconds=totals.response_seconds.median(),
    )


def rubric_of(version: int, rubrics: Rubrics) -> scoring.RubricParams:
    """The rubric that bands figures whose latest visit was scored with `version`."""
    return rubrics.get(version, scoring.DEFAULT_RUBRIC)


def rollup_scope(approved_only: bool) -> str:
    return counting_scope(approved_only)


Rubrics = Mapping[int, scoring.RubricParams]


@dataclass(frozen=True)
class Source:
    """Which rollups a report reads: the live ones (head office, supervisors), or the weeks as they
    were published to managers (`reports.revisions`). The same columns, so the same code reads both;
    the published store-weeks also keep the week's shrinkage constant and rank interval as published."""

    store_weeks: type[StoreWeekRollup] | type[PublishedStoreWeek]
    region_weeks: type[RegionWeekRollup] | type[PublishedRegionWeek]

    @property
    def published(self) -> bool:
        return self.store_weeks is PublishedStoreWeek


LIVE = Source(StoreWeekRollup, RegionWeekRollup)
PUBLISHED = Source(PublishedStoreWeek, PublishedRegionWeek)


def week_rubrics(*, stores: Iterable, week_start: dt.date, approved_only: bool) -> dict[int, scoring.RubricParams]:
    """The rubric that bands each store's week, exactly as its report bands it (`figures_of`): the
    rubric of the latest version its counted visits were scored with. Two queries."""
    store_ids = [store.pk for store in stores]
    rubrics = rubrics_by_version()
    versions = dict(
        StoreWeekRollup.objects.filter(scope=rollup_scope(approved_only), week_start=week_start, store__in=store_ids)
        .order_by()
        .values_list("store_id", "rubric_version")
    )
    return {store_id: rubric_of(versions.get(store_id, 0), rubrics) for store_id in store_ids}


def rubric_in_force() -> scoring.RubricParams:
    """The rubric new visits are scored with (not the one to band past weeks: `rubrics_by_version`)."""
    rubric = Rubric.in_force()
    return rubric.params() if rubric else scoring.DEFAULT_RUBRIC


def rubrics_by_version() -> Rubrics:
    """Every rubric version's parameters (a handful of rows): one query, `Rubric.params()` of
    every rubric, newest first, written out (through the ORM it cost about 0.5 ms of CPU of every
    report; tests/reports/test_report_sql.py compares them)."""
    quote = connection.ops.quote_name
    names = list(scoring.RubricParams.__dataclass_fields__)
    version = quote(Rubric._meta.get_field("version").column)
    columns = ", ".join(quote(Rubric._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {version}, {columns} FROM {quote(Rubric._meta.db_table)} ORDER BY {version} DESC")  # noqa: S608 (names from the model)
        return {row[0]: scoring.RubricParams(**dict(zip(names, row[1:], strict=True))) for row in cursor.fetchall()}


@dataclass(frozen=True)
class Standing:
    shrunk_soi: float | None
    rank: int | None
    # the 95 % interval of the rank, every store's score uncertain (reports.standings; None until computed)
    rank_low: int | None = None
    rank_high: int | None = None


def per_store_sums(*, scope: str, weeks: list[dt.date], store_id: int | None = None, source: Source = LIVE) -> QuerySet:
    """Per store with rollups in the weeks: visits `n`, SOI sum `total` and the latest rubric
    version, grouped by the database (one row per store, from the (scope, week) index). The rule
    `per_store_sums_sql` writes out, and its test's reference."""
    rows = source.store_weeks.objects.filter(scope=scope, week_start__in=weeks).order_by()
    if store_id is not None:
        rows = rows.filter(store_id=store_id)
    if len(weeks) == 1:  # a row per store already: nothing to group (grouping 10,000 rows cost 15-30 ms)
        return rows.values("store_id", "rubric_version", n=F("n_visits"), total=F("soi_sum"))
    return rows.values("store_id").annotate(
        n=Sum("n_visits"), total=Sum("soi_sum"), rubric_version=Max("rubric_version")
    )


def per_store_sums_sql(
    *, scope: str, weeks: list[dt.date], store_id: int | None = None, source: Source = LIVE
) -> tuple[str, list]:
    """`per_store_sums` written out: `store_id, rubric_version, n, total`. Composed and compiled
    through the ORM it cost about 0.6 ms of CPU, twice in every store report's standing."""
    quote = connection.ops.quote_name
    model = source.store_weeks
    column = {name: quote(model._meta.get_field(name).column) for name in _PER_STORE_COLUMNS}
    where = f"{column['scope']} = %s AND {column['week_start']} IN ({', '.join(['%s'] * len(weeks))})"
    params: list = [scope, *weeks]
    if store_id is not None:
        where += f" AND {column['store']} = %s"
        params.append(store_id)
    table = quote(model._meta.db_table)
    if len(weeks) == 1:  # a row per store already: nothing to group (grouping 10,000 rows cost 15-30 ms)
        select = f"{column['store']} AS store_id, {column['rubric_version']} AS rubric_version, "
        select += f"{column['n_visits']} AS n, {column['soi_sum']} AS total"
        return f"SELECT {select} FROM {table} WHERE {where}", params  # noqa: S608 (names from the model)
    select = f"{column['store']} AS store_id, MAX({column['rubric_version']}) AS rubric_version, "
    select += f"SUM({column['n_visits']}) AS n, SUM({column['soi_sum']}) AS total"
    return f"SELECT {select} FROM {table} WHERE {where} GROUP BY {column['store']}", params  # noqa: S608


_PER_STORE_COLUMNS = ("store", "scope", "week_start", "rubric_version", "n_visits", "soi_sum")


def unranked_sql(
    *,
    scope: str,
    weeks: list[dt.date],
    company_mean: float | None,
    store_id: int | None = None,
    source: Source = LIVE,
    published_to: int | None = None,
) -> tuple[str, list]:
    """Per store with rollups in the weeks: `store_id, n, total, rubric_version, shrunk`, where
    `shrunk` is `scoring.shrunk_soi` (the one definition) evaluated by the database with the same
    floating point operations in the same order, (n * (total / n) + k * mean) / (n + k), so that
    equal scores stay equal (NULL for a store without a counted visit). k is the shrinkage constant
    estimated for the period's last week (`reports.standings`), read in the same statement; for the
    weeks as published to the store `published_to`, the constant as it was when they were copied."""
    inner, params = per_store_sums_sql(scope=scope, weeks=weeks, store_id=store_id, source=source)
    k, k_params = standings.shrinkage_sql(scope=scope, week_start=max(weeks))
    if source.published and published_to is not None:
        k = (
            f"COALESCE((SELECT shrinkage FROM {PublishedStoreWeek._meta.db_table} "  # noqa: S608
            f"WHERE scope = %s AND week_start = %s AND store_id = %s), {k})"
        )
        k_params = [scope, max(weeks), published_to, *k_params]
    # SQL from the model's names and constants; the values are parameters.
    sql = (
        "SELECT store_id, n, total, rubric_version, "  # noqa: S608
        "CASE WHEN n > 0 THEN (n * (total / n) + k * CAST(%s AS double precision)) / (n + k) END AS shrunk "
        f"FROM ({inner}) AS per_store CROSS JOIN (SELECT {k} AS k) AS shrinkage"
    )
    return sql, [company_mean if company_mean is not None else 0.0, *params, *k_params]


def shrunk_sql(*, scope: str, weeks: list[dt.date], company_mean: float | None) -> tuple[str, list]:
    """The league standings, company-wide, computed where the rows are (a report never fetches
    every store's rollups): per store with rollups in the weeks `store_id, n, total,
    rubric_version, shrunk, rank`, `rank` being the competition rank by the shrunk score (equal
    scores share a rank; NULL without a counted visit)."""
    shrunk, params = unranked_sql(scope=scope, weeks=weeks, company_mean=company_mean)
    sql = (
        "SELECT store_id, n, total, rubric_version, shrunk, "  # noqa: S608
        "CASE WHEN shrunk IS NOT NULL THEN rank() OVER (PARTITION BY shrunk IS NULL ORDER BY shrunk DESC) END AS rank "
        f"FROM ({shrunk}) AS shrunk_per_store"
    )
    return sql, params


def band_sql(soi: str, version: str, rubrics: Rubrics) -> tuple[str, list]:
    """`scoring.band` of the SQL expression `soi`, with the limits of the rubric `version` names
    (`rubric_of`): the same comparisons, so that a table's band counts can be made by the
    database (tested against scoring.band at and around every limit)."""

    def case(rubric: scoring.RubricParams) -> tuple[str, list]:
        return (
            f"CASE WHEN {soi} >= CAST(%s AS double precision) THEN 'oasis' "
            f"WHEN {soi} < CAST(%s AS double precision) THEN 'desert' ELSE 'steppe' END",
            [rubric.oasis_min_soi, rubric.desert_below_soi],
        )

    sql, params = f"CASE WHEN {soi} IS NULL THEN NULL", []
    for number, rubric in sorted(rubrics.items()):
        when, when_params = case(rubric)
        sql += f" WHEN {version} = %s THEN {when}"
        params += [number, *when_params]
    otherwise, otherwise_params = case(rubric_of(-1, {}))
    return f"{sql} ELSE {otherwise} END", params + otherwise_params


def standing_of(
    store_id: int, *, scope: str, weeks: list[dt.date], company_mean: float | None, source: Source = LIVE
) -> tuple[Standing, int]:
    """One store's league standing and the number of ranked stores: one query, one pass over the
    week's rows of the (scope, week) index whatever the number of stores. The rank is one plus
    the number of stores with a higher shrunk score: `shrunk_sql`'s competition rank, without
    sorting every store. For a single week, also the 95 % interval of its rank with every store's
    score uncertain, as `reports.standings` stored it for the week (None until it has; widened to
    hold the rank, should a visit have moved it since). From the weeks as published (`source`): every
    store's published rows, the constant and the interval as the store's week was published."""
    published_to = store_id if source.published else None
    own, own_params = unranked_sql(
        scope=scope, weeks=weeks, company_mean=company_mean, store_id=store_id, source=source, published_to=published_to
    )
    every, every_params = unranked_sql(
        scope=scope, weeks=weeks, company_mean=company_mean, source=source, published_to=published_to
    )
    interval_params = [scope, weeks[0] if len(weeks) == 1 else None, store_id]
    table = PublishedStoreWeek._meta.db_table if source.published else StoreWeekStanding._meta.db_table
    # a model's table name; the values are parameters
    stored = "(SELECT {column} FROM " + table + " WHERE scope = %s AND week_start = %s AND store_id = %s)"  # noqa: S608
    sql = (
        f"WITH own AS ({own}) "  # noqa: S608
        "SELECT count(*) FILTER (WHERE s.n > 0), (SELECT shrunk FROM own), "  # n > 0: a shrunk score (not computed twice)
        "count(*) FILTER (WHERE s.shrunk > (SELECT shrunk FROM own)) + 1, "
        f"{stored.format(column='rank_low')}, {stored.format(column='rank_high')} "
        f"FROM ({every}) AS s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*own_params, *interval_params, *interval_params, *every_params])
        n_ranked, shrunk_soi, rank, best, worst = cursor.fetchone()
    if shrunk_soi is None:
        return Standing(None, None), n_ranked
    if best is None or worst is None:
        return Standing(shrunk_soi, rank), n_ranked
    return Standing(shrunk_soi, rank, min(best, rank), min(max(worst, rank), n_ranked)), n_ranked


def store_totals(*, store_ids: Iterable[int] | QuerySet, scope: str, weeks: list[dt.date]) -> dict[int, Totals]:
    """Totals per store over the weeks, for the stores shown (one query)."""
    per_store: dict[int, Totals] = {}
    rows = (  # unordered: the model's ordering would join the stores to sort by code
        StoreWeekRollup.objects.filter(scope=scope, week_start__in=weeks, store__in=store_ids)
        .order_by()
        .values("store_id", *ROLLUP_FIELDS)
    )
    for row in rows:
        totals = Totals.of(row)  # a new object: a store's first week is its totals, later ones add to it
        found = per_store.setdefault(row["store_id"], totals)
        if found is not totals:
            found.add(totals)
    return per_store


def area_totals(*, scope: str, weeks: list[dt.date]) -> tuple[dict[int, Totals], Totals]:
    """Totals per region and for the company over the weeks, from the region-week rollups (a
    row per region and week, whatever the number of stores): one query."""
    rows = RegionWeekRollup.objects.filter(scope=scope, week_start__in=weeks).values("region_id", *ROLLUP_FIELDS)
    return fold_area_totals((row["region_id"], Totals.of(row)) for row in rows)


def fold_area_totals(rows: Iterable[tuple[int, Totals]]) -> tuple[dict[int, Totals], Totals]:
    """Totals per region and for the company from (region id, region-week Totals), added in
    their order (the models' ordering: region code, week)."""
    per_region: dict[int, Totals] = defaultdict(Totals)
    company = Totals()
    for region_id, totals in rows:  # `add` copies from `totals`, never into it
        per_region[region_id].add(totals)
        company.add(totals)
    return dict(per_region), company


def mean_by_week_and_region(*, scope: str, weeks: list[dt.date]) -> tuple[dict, dict]:
    """SOI means per (week, region) and per week for the company, from the region-week rollups."""
    return fold_means(
        RegionWeekRollup.objects.filter(scope=scope, week_start__in=weeks).values_list(
            "week_start", "region_id", "n_visits", "soi_sum"
        )
    )


def fold_means(rows: Iterable[tuple[dt.date, int, int, float]]) -> tuple[dict, dict]:
    """SOI means per (week, region) and per week for the company from region-week rows (week,
    region id, visits, SOI sum), added in their order."""
    by_region: dict[tuple[dt.date, int], float | None] = {}
    sums: dict[dt.date, list] = defaultdict(lambda: [0, 0.0])
    for week, region_id, n, total in rows:
        if n:
            by_region[(week, region_id)] = mean_soi(n, total)
        sums[week][0] += n
        sums[week][1] += total
    company = {week: mean_soi(n, total) for week, (n, total) in sums.items() if n}
    return by_region, company
