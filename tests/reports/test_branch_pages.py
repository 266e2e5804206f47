"""The branch comparison a page at a time: every page, in every order the database sorts by and
with a region filter, shows the company-wide rank and shrunk score each store has in the whole
league, and the pages together are the whole table in its order."""

from __future__ import annotations

import random

import pytest

from reports.branches import branch_report
from reports.periods import Period
from stores.models import Store

from ..factories import StoreFactory, interaction_input
from .conftest import W11, visit

pytestmark = pytest.mark.django_db

ORDERS = [("rank", False), ("rank", True), ("shrunk_soi", True), ("soi", False), ("n_visits", True), ("store", True)]


@pytest.fixture
def league(region, other_region, head_office):
    """17 stores in two regions: three with the very same visit (a tie), two without visits (one of
    them closed, which the table leaves out), the others with 1-4 visits of random smiles."""
    rng = random.Random(27)
    same = interaction_input(smile=3, greeting_seconds=40)
    for n in range(17):
        store = StoreFactory(code=f"pg-{n:02d}", region=region if n % 3 else other_region, is_active=n != 16)
        if n < 3:
            visit(head_office, store, "2026-03-10 10:00", same)
        elif n < 15:
            for _ in range(rng.randint(1, 4)):
                visit(head_office, store, "2026-03-11 10:00", interaction_input(smile=rng.randint(1, 5)))


def report(stores, sort, descending, page=None, page_size=None):
    return branch_report(
        stores=stores,
        period=Period(W11, W11),
        approved_only=False,
        sort=sort,
        descending=descending,
        page=page,
        page_size=page_size,
    )


def rows_of(found) -> list[tuple[str, int | None, float | None]]:
    return [(row.store.code, row.rank, row.shrunk_soi) for row in found.stores]


@pytest.mark.parametrize(("sort", "descending"), ORDERS)
@pytest.mark.parametrize("in_region", [False, True])
def test_every_page_shows_the_league_rank_each_store_has_in_the_whole_table(
    league, region, sort, descending, in_region
):
    everyone = report(Store.objects.all(), "rank", False)
    shrunk = {row.store.code: row.shrunk_soi for row in everyone.stores}
    league_rank = {
        code: None if value is None else 1 + sum(other is not None and other > value for other in shrunk.values())
        for code, value in shrunk.items()
    }
    assert len([code for code in ("pg-00", "pg-01", "pg-02") if league_rank[code] == league_rank["pg-00"]]) == 3
    stores = Store.objects.filter(region=region) if in_region else Store.objects.all()
    whole = rows_of(report(stores, sort, descending))
    assert [(code, rank) for code, rank, _shrunk in whole] == [(code, league_rank[code]) for code, _r, _s in whole]
    for page_size in (1, 2, 5, 7):
        pages = -(-len(whole) // page_size)
        paged = []
        for number in range(1, pages + 1):
            found = report(stores, sort, descending, page=number, page_size=page_size)
            assert found.page.number == number
            paged += rows_of(found)
        assert paged == whole, f"pages of {page_size}"
