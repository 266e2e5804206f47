from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import StoreFactory, UserFactory, interaction_input, submit_visit


@pytest.fixture
def london_store(region):
    """A store an hour behind Berlin, to show that 07:00 means the store's own 07:00."""
    return StoreFactory(
        code="lon-ox",
        name="London Oxford Street",
        region=region,
        timezone="Europe/London",
        city="London",
        latitude=51.5152,
        longitude=-0.1419,
    )


@pytest.fixture
def store_manager(store):
    return UserFactory(
        username="manager-greta",
        role="manager",
        stores=[store],
        email="greta@store.example",
        first_name="Greta",
        language="de",
    )


@pytest.fixture
def last_week_visits(store, shopper, supervisor):
    """Two visits in ISO week 2026-W47 (Mon 16 - Sun 22 November) in Berlin."""
    berlin = ZoneInfo("Europe/Berlin")
    submit_visit(
        observer=shopper,
        store=store,
        started_at=dt.datetime(2026, 11, 17, 10, 0, tzinfo=berlin),
        interactions=[interaction_input(smile=3)],
        now=dt.datetime(2026, 11, 17, 11, 0, tzinfo=berlin),
    )
    submit_visit(
        observer=supervisor,
        store=store,
        started_at=dt.datetime(2026, 11, 20, 15, 0, tzinfo=berlin),
        minutes=60,
        interactions=[
            interaction_input(),
            interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=2),
        ],
        now=dt.datetime(2026, 11, 20, 17, 0, tzinfo=berlin),
    )


MONDAY_0710_BERLIN = dt.datetime(2026, 11, 23, 7, 10, tzinfo=ZoneInfo("Europe/Berlin"))
