"""The branch comparison: region and company means weigh every visit the same, the league table
ranks by the shrunk score, and filters, sorting and periods behave."""

from __future__ import annotations

import random

import pytest

from observations import scoring
from observations.models import Visit
from reports.branches import branch_report, branch_stores
from reports.periods import Period
from reports.publication import Audience
from reports.store_report import store_weekly_report
from stores.models import Store

from ..factories import StoreFactory, UserFactory, interaction_input
from .conftest import COLD, COLD_SOI, MIXED, PERFECT, W10, W11, visit

pytestmark = pytest.mark.django_db

# store ber-mitte (north): SOIs 100 and 60; ham (north): COLD; zrh-hb (south): 100 and 100
COMPANY_MEAN = (100 + 60 + COLD_SOI + 100 + 100) / 5
NORTH_MEAN = (100 + 60 + COLD_SOI) / 3


@pytest.fixture
def company(store, other_store, region, head_office):
    hamburg = StoreFactory(code="ham", name="Hamburg", region=region)
    visit(head_office, store, "2026-03-10 10:00", PERFECT)
    visit(head_office, store, "2026-03-11 10:00", MIXED)
    visit(head_office, hamburg, "2026-03-11 10:00", COLD)
    visit(head_office, other_store, "2026-03-10 10:00", PERFECT)
    visit(head_office, other_store, "2026-03-12 10:00", PERFECT)
    return hamburg


def week11(stores=None, **options):
    return branch_report(stores=stores or Store.objects.all(), period=Period(W11, W11), approved_only=False, **options)


def test_company_and_region_means_weigh_every_visit_the_same(company):
    report = week11()
    assert report.company.soi == pytest.approx(COMPANY_MEAN)
    assert report.company.n_visits == 5
    regions = {summary.region.code: summary.figures.soi for summary in report.regions}
    assert regions == {"north": pytest.approx(NORTH_MEAN), "south": pytest.approx(100)}


def test_league_table_ranks_by_the_score_shrunk_towards_the_company_mean(company):
    rows = week11().stores
    assert [(row.store.code, row.rank) for row in rows] == [("zrh-hb", 1), ("ber-mitte", 2), ("ham", 3)]
    shrunk = {row.store.code: row.shrunk_soi for row in rows}
    assert shrunk["zrh-hb"] == pytest.approx((2 * 100 + 3 * COMPANY_MEAN) / 5)
    assert shrunk["ber-mitte"] == pytest.approx((2 * 80 + 3 * COMPANY_MEAN) / 5)
    assert shrunk["ham"] == pytest.approx((COLD_SOI + 3 * COMPANY_MEAN) / 4)


def test_one_lucky_visit_does_not_top_the_table(company, head_office):
    lucky = StoreFactory(code="lucky", name="Lucky", region=company.region)
    visit(head_office, lucky, "2026-03-10 12:00", PERFECT)
    rows = {row.store.code: row for row in week11().stores}
    assert rows["lucky"].figures.soi == 100
    assert rows["lucky"].rank > rows["zrh-hb"].rank  # same SOI, but one visit against two
    assert rows["lucky"].few_visits


def test_stores_without_visits_are_listed_unranked_and_last(company, region):
    StoreFactory(code="aaa-empty", name="Empty", region=region)
    rows = week11().stores
    assert rows[-1].store.code == "aaa-empty"
    assert (rows[-1].rank, rows[-1].figures.soi, rows[-1].figures.band) == (None, None, None)
    assert week11().band_counts == {"oasis": 2, "steppe": 0, "desert": 1, "none": 1}  # 100, 80, 14.3


def test_sorting_by_a_dimension_descending(company):
    rows = week11(sort="hovering", descending=True).stores
    assert [row.store.code for row in rows] == ["zrh-hb", "ber-mitte", "ham"]  # 100, 87.5, 50


def test_the_region_filter_keeps_company_ranks_and_means(company, region):
    report = week11(stores=Store.objects.filter(region=region))
    assert [row.store.code for row in report.stores] == ["ber-mitte", "ham"]
    assert [row.rank for row in report.stores] == [2, 3]
    assert report.company.soi == pytest.approx(COMPANY_MEAN)
    assert [summary.region.code for summary in report.regions] == ["north"]


def test_a_date_range_merges_the_weeks(company, store, head_office):
    visit(head_office, store, "2026-03-03 10:00", COLD)
    report = branch_report(stores=Store.objects.all(), period=Period(W10, W11), approved_only=False)
    row = next(row for row in report.stores if row.store.code == "ber-mitte")
    assert row.figures.n_visits == 3
    assert row.figures.soi == pytest.approx((100 + 60 + COLD_SOI) / 3)


def test_the_store_report_compares_with_region_and_company(company, store):
    report = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert report.region.soi == pytest.approx(NORTH_MEAN)
    assert report.company.soi == pytest.approx(COMPANY_MEAN)
    assert (report.rank, report.n_ranked) == (2, 3)
    assert report.trend[-1].company_soi == pytest.approx(COMPANY_MEAN)
    assert report.trend[-1].region_soi == pytest.approx(NORTH_MEAN)


def test_a_closed_store_without_visits_is_left_out(company, region):
    StoreFactory(code="closed", name="Closed", region=region, is_active=False)
    assert "closed" not in [row.store.code for row in week11().stores]


def test_supervisor_sees_company_figures_but_only_their_region_in_the_table(company, region):
    supervisor = UserFactory(username="sup-north", role="supervisor", regions=[region])
    report = week11(stores=branch_stores(supervisor, None))
    assert {row.store.code for row in report.stores} == {"ber-mitte", "ham"}


def test_ranks_and_shrunk_scores_from_the_database_equal_the_reference_recomputed_from_raw_rows(region, head_office):
    """The database ranks by `scoring.shrunk_soi` over every store's visits; recomputed here from
    the visits themselves, with ties (stores with the same visits share a rank)."""
    rng = random.Random(5)
    stores = [StoreFactory(code=f"rk-{n:02d}", region=region) for n in range(12)]
    same = [interaction_input(smile=3, greeting_seconds=40)]
    for n, store in enumerate(stores):
        if n < 3:  # three stores with the very same visit: a tie
            visit(head_office, store, "2026-03-10 10:00", *same)
            continue
        for _ in range(rng.randint(1, 4)):
            visit(head_office, store, "2026-03-11 10:00", interaction_input(smile=rng.randint(1, 5)))
    sois: dict[int, list[float]] = {}
    for store_id, soi in Visit.objects.values_list("store_id", "soi"):
        sois.setdefault(store_id, []).append(soi)
    company_mean = sum(sum(values) for values in sois.values()) / sum(len(values) for values in sois.values())
    shrunk = {
        store_id: scoring.shrunk_soi(sum(values) / len(values), len(values), company_mean)
        for store_id, values in sois.items()
    }
    expected_rank = {
        store_id: 1 + sum(other > value for other in shrunk.values()) for store_id, value in shrunk.items()
    }
    report = week11()
    assert report.n_ranked == len(stores)
    for row in report.stores:
        assert row.shrunk_soi == pytest.approx(shrunk[row.store.pk], abs=1e-9)
        assert row.rank == expected_rank[row.store.pk]
        one = store_weekly_report(store=row.store, week_start=W11, approved_only=False, audience=Audience.STAFF)
        assert (one.rank, one.n_ranked) == (row.rank, len(stores))
        assert one.shrunk_soi == row.shrunk_soi
    assert len({expected_rank[store.pk] for store in stores[:3]}) == 1  # the tie is there


def test_band_counts_and_region_figures_equal_a_recomputation_from_raw_rows(company, region, other_region):
    report = week11()
    by_region: dict[int, list[float]] = {}
    by_store: dict[int, list[float]] = {}
    for store_id, region_id, soi in Visit.objects.values_list("store_id", "store__region_id", "soi"):
        by_region.setdefault(region_id, []).append(soi)
        by_store.setdefault(store_id, []).append(soi)
    for summary in report.regions:
        values = by_region[summary.region.pk]
        assert summary.figures.soi == pytest.approx(sum(values) / len(values))
        assert summary.figures.n_visits == len(values)
    bands = [scoring.band(sum(values) / len(values)) for values in by_store.values()]
    assert report.band_counts == {
        "oasis": bands.count("oasis"),
        "steppe": bands.count("steppe"),
        "desert": bands.count("desert"),
        "none": Store.objects.count() - len(by_store),
    }


@pytest.mark.parametrize("soi", [None, 0.0, 49.99999999, 50.0, 62.5, 74.99999999, 75.0, 100.0])
@pytest.mark.parametrize("version", [1, 2, 99])
def test_the_bands_the_database_counts_are_scoring_band(db, soi, version):
    """`band_sql` (the table's band counts) says what `scoring.band` says, with each version's limits."""
    from django.db import connection

    from reports.figures import band_sql, rubric_of

    rubrics = {1: scoring.DEFAULT_RUBRIC, 2: scoring.RubricParams(oasis_min_soi=80.0, desert_below_soi=62.5)}
    sql, params = band_sql("soi", "version", rubrics)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM (SELECT CAST(%s AS double precision) AS soi, %s AS version) AS one",  # noqa: S608
            [*params, soi, version],
        )
        (band,) = cursor.fetchone()
    assert band == scoring.band(soi, rubric_of(version, rubrics))
