"""On PostgreSQL rollups are grouped by the database, in one statement, for a store-week after a
change as for the full rebuild: exactly the figures of the recompute in Python."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from observations.review import visit_review
from reports import rollups
from reports.models import StoreWeekRollup
from reports.rollups import rebuild_all, rebuild_all_in_database, rebuild_store, refresh_store_week
from reports.totals import Totals

from ..factories import StoreFactory, UserFactory, interaction_input, submit_visit

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {(row.store_id, row.week_start, row.scope): Totals.of(row) for row in StoreWeekRollup.objects.all()}


def test_rollups_grouped_in_the_database_equal_the_recompute_in_python(region, supervisor, shopper, store):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement rebuild is PostgreSQL's")
    rng = random.Random(7)
    second = StoreFactory(code="ber-ost", region=region)
    other_shopper = UserFactory(username="shopper-ost", stores=[store, second])
    reviewer = UserFactory(username="head-reviewer", role="head_office")  # nobody reviews their own visit
    for n in range(40):
        observer = rng.choice([shopper, supervisor, other_shopper])
        target = store if observer is shopper else rng.choice([store, second])
        items = [
            interaction_input(
                greeted=(greeted := rng.random() < 0.7),
                greeting_seconds=rng.randint(0, 200) if greeted else None,
                greeting_personal=greeted and rng.random() < 0.5,
                smile=rng.randint(1, 5),
                unsolicited_approaches=rng.randint(0, 3),
                followed=rng.random() < 0.2,
                asked=(asked := rng.random() < 0.5),
                response_seconds=rng.randint(0, 300) if asked else None,
                response_quality=rng.randint(1, 5) if asked else None,
            )
            for _ in range(rng.randint(1, 5))
        ]
        started = timezone.now() - dt.timedelta(days=rng.randint(0, 50), hours=3)
        visit = submit_visit(observer=observer, store=target, interactions=items, started_at=started)
        if n % 4 == 0:
            visit_review(visit=visit, reviewer=reviewer, decision=rng.choice(["approve", "reject"]), note="checked")
    StoreWeekRollup.objects.all().delete()
    for store_id in (store.pk, second.pk):
        rollups._recompute_in_python(store_id, None)
    expected = snapshot()
    store_weeks = {(s, w) for s, w, _scope in expected}
    assert len(store_weeks) > 10

    def assert_same_as_expected() -> None:
        got = snapshot()
        assert got.keys() == expected.keys()
        assert all(got[key].isclose(expected[key]) for key in expected)

    StoreWeekRollup.objects.all().delete()
    for store_id, week in sorted(store_weeks):  # after each change: one store-week
        refresh_store_week(store_id, week)
    assert_same_as_expected()

    StoreWeekRollup.objects.all().delete()
    assert sum(rebuild_store(store_id) for store_id in (store.pk, second.pk)) == len(store_weeks)
    assert_same_as_expected()

    rebuild_all_in_database()
    assert_same_as_expected()
    assert rebuild_all() == len(store_weeks)
