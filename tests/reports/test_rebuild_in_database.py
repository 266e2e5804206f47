"""The one-statement rebuild on PostgreSQL gives exactly the rollups of the per-store recompute."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from observations.models import StoreWeekRollup
from observations.rollups import Totals, rebuild_all, rebuild_all_in_database, rebuild_store
from observations.services import visit_review

from ..factories import StoreFactory, UserFactory, interaction_input, submit_visit

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {(row.store_id, row.week_start, row.scope): Totals.of(row) for row in StoreWeekRollup.objects.all()}


def test_rebuild_in_the_database_equals_the_recompute(region, supervisor, shopper, store):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement rebuild is PostgreSQL's")
    rng = random.Random(7)
    second = StoreFactory(code="ber-ost", region=region)
    other_shopper = UserFactory(username="shopper-ost", stores=[store, second])
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
            visit_review(visit=visit, reviewer=supervisor, decision=rng.choice(["approve", "reject"]), note="checked")
    for store_id in (store.pk, second.pk):
        rebuild_store(store_id)
    expected = snapshot()

    rebuild_all_in_database()
    rebuilt = snapshot()

    assert rebuilt.keys() == expected.keys()
    assert all(rebuilt[key].isclose(expected[key]) for key in expected)
    assert rebuild_all() == len({(s, w) for s, w, _scope in expected})
