"""The repeat-visit check of a shopper's submission: its written-out query finds the closest of the
visits the queryset rule finds, and the flag follows from it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from observations import plausibility
from observations.selectors import closest_repeat_visit_start, repeat_visits_queryset

from ..factories import StoreFactory, UserFactory, submit_visit

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


def test_the_written_out_query_finds_the_closest_of_what_the_queryset_finds(region, store, shopper):
    other_store = StoreFactory(code="other", region=region)
    other_shopper = UserFactory(username="shopper-ben", role="shopper", stores=[store, other_store])
    shopper.stores.add(other_store)
    days = [-20, -14, -13, -1, 0, 2, 13, 14, 15]
    for day in days:
        for observer, where in ((shopper, store), (shopper, other_store), (other_shopper, store)):
            submit_visit(
                observer=observer,
                store=where,
                started_at=START + dt.timedelta(days=day, minutes=1),
                now=START + dt.timedelta(days=31),
            )
    window = plausibility.REPEAT_WINDOW
    for day in [*days, -30, 30]:
        for minutes in (-1, 0, 1, 2):
            started_at = START + dt.timedelta(days=day, minutes=minutes)
            found = closest_repeat_visit_start(
                observer_id=shopper.pk, store_id=store.pk, started_at=started_at, window=window, other_than=uuid.uuid4()
            )
            expected = list(
                repeat_visits_queryset(
                    observer_id=shopper.pk,
                    store_id=store.pk,
                    started_at=started_at,
                    window=window,
                    other_than=uuid.uuid4(),
                )
            )
            if not expected:
                assert found is None
                continue
            assert found in expected
            assert abs(found - started_at) == min(abs(start - started_at) for start in expected)
    assert (
        len(
            repeat_visits_queryset(
                observer_id=shopper.pk, store_id=store.pk, started_at=START, window=window, other_than=uuid.uuid4()
            )
        )
        == 6
    )  # -14, -13, -1, 0, 2 and 13 days (+1 minute each): strictly within 14 days
    assert closest_repeat_visit_start(
        observer_id=shopper.pk, store_id=store.pk, started_at=START, window=window, other_than=uuid.uuid4()
    ) == START + dt.timedelta(minutes=1)
    # the visit itself is left out (a replay compares it with itself)
    own = submit_visit(
        observer=shopper, store=store, started_at=START + dt.timedelta(days=30), now=START + dt.timedelta(days=31)
    )
    assert (
        closest_repeat_visit_start(
            observer_id=shopper.pk, store_id=store.pk, started_at=own.started_at, window=window, other_than=own.pk
        )
        is None
    )
