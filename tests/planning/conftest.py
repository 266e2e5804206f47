from __future__ import annotations

import datetime as dt

import pytest

from planning.models import TargetKind, Wave
from planning.services import WaveInput, wave_create
from stores.models import Role
from tests.factories import StoreFactory, UserFactory

# A Monday well ahead: visits of the tests' "history" happen before it.
WAVE_START = dt.date(2030, 3, 4)


def make_wave(by, *, regions=(), stores=(), **overrides) -> Wave:
    values = {
        "name": "Spring wave",
        "starts_on": WAVE_START,
        "ends_on": WAVE_START + dt.timedelta(days=27),
        "region_ids": tuple(r.pk for r in regions),
        "store_ids": tuple(s.pk for s in stores),
        "target_kind": TargetKind.FIXED,
        "fixed_visits": 2,
        "min_visits": 1,
    }
    values.update(overrides)
    return wave_create(by=by, data=WaveInput(**values))


@pytest.fixture
def wave_factory(head_office):
    return lambda **kwargs: make_wave(head_office, **kwargs)


@pytest.fixture
def shoppers(store):
    return [UserFactory(username=f"shopper-{i}", role=Role.SHOPPER, stores=[store]) for i in range(3)]


@pytest.fixture
def second_store(region):
    return StoreFactory(code="ber-ost", name="Berlin Ost", region=region)
