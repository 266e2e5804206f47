"""On PostgreSQL a new visit adds its share to its store-week's and region-week's rollups in the
statement that stores it; what it adds equals a recomputation from the stored visits, also when
visits are stored while reviews recompute the same store-weeks."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.db import connection, connections

from core.models import OutboxItem
from observations.models import RollupScope, Visit
from reports import rollups
from reports.models import RegionWeekRollup, StoreWeekRollup
from reports.tasks import ROLLUP_REFRESH
from reports.totals import Totals

from ..factories import StoreFactory, UserFactory
from .conftest import PERFECT, W11, review, visit
from .test_rollups import assert_rollups_match_a_recomputation, random_interaction

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the rollups are added in the submission's statement on PostgreSQL only"
)


def store_rows() -> dict:
    return {(r.store_id, r.week_start, r.scope): Totals.of(r) for r in StoreWeekRollup.objects.all()}


def region_rows() -> dict:
    return {(r.region_id, r.week_start, r.scope): Totals.of(r) for r in RegionWeekRollup.objects.all()}


def assert_same(added: dict, recomputed: dict) -> None:
    assert added.keys() == recomputed.keys()
    for key, totals in recomputed.items():
        assert added[key].isclose(totals), key


@pytest.mark.django_db
def test_a_new_visit_records_no_rollup_refresh_and_its_week_counts_it_at_once(settings, store, shopper):
    settings.OASIS_OUTBOX_INLINE = False  # as in production: nothing done for it after the commit
    settings.OASIS_OUTBOX_KICK = False
    visit(shopper, store, "2026-03-10 10:00", PERFECT, PERFECT)
    assert not OutboxItem.objects.filter(kind=ROLLUP_REFRESH).exists()
    rollup = StoreWeekRollup.objects.get(store=store, week_start=W11, scope=RollupScope.COUNTED)
    assert (rollup.n_visits, rollup.n_interactions, rollup.greeting_seconds) == (1, 2, [10, 10])
    region_week = RegionWeekRollup.objects.get(region=store.region, week_start=W11, scope=RollupScope.COUNTED)
    assert (region_week.n_visits, region_week.greeting_seconds) == (1, {"10": 2})


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_added_by_submissions_equal_the_full_recompute(seed, region, other_region):
    rng = random.Random(seed)
    stores = [StoreFactory(code=f"add-{n}", region=rng.choice([region, other_region])) for n in range(4)]
    shopper = UserFactory(username=f"add-shopper-{seed}", role="shopper", stores=stores)
    for _ in range(40):
        day = W11 + dt.timedelta(days=rng.randint(0, 13))
        interactions = [random_interaction(rng) for _ in range(rng.choice([1, 3, 12]))]
        visit(shopper, rng.choice(stores), f"{day} {rng.randint(8, 20):02d}:00", *interactions)
    added_stores, added_regions = store_rows(), region_rows()
    pairs = set(Visit.objects.values_list("store_id", "week_start"))
    rollups.refresh_store_weeks(pairs)  # the recomputation reviews and corrections use
    assert_same(added_stores, store_rows())
    rollups.rebuild_all()  # and the nightly one, regions from scratch
    assert_same(added_stores, store_rows())
    assert_same(added_regions, region_rows())


@pytest.mark.django_db(transaction=True)
def test_visits_stored_while_reviews_recompute_the_same_weeks_are_counted_once(region, head_office):
    stores = [StoreFactory(code=f"race-{n}", region=region) for n in range(3)]
    shoppers = [UserFactory(username=f"race-shopper-{n}", role="shopper", stores=stores) for n in range(3)]
    first = [visit(shoppers[0], store, "2026-03-10 09:00", PERFECT) for store in stores]
    errors: list[BaseException] = []

    def submit(shopper, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for n in range(12):
                store = rng.choice(stores)
                visit(shopper, store, f"2026-03-{10 + n % 4} {10 + n % 8:02d}:{seed:02d}", random_interaction(rng))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def reviews() -> None:
        try:
            for item in first * 3:  # approve, approve again, ...: each recomputes the store-week
                review(Visit.objects.get(pk=item.pk), head_office, "approve")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(s, n)) for n, s in enumerate(shoppers)]
    threads.append(threading.Thread(target=reviews))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert Visit.objects.count() == 3 + 3 * 12
    assert_rollups_match_a_recomputation()
