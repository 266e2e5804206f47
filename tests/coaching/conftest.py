from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coaching.models import ActionPlan, PlanState, Reason
from tests.factories import UserFactory, interaction_input, submit_visit

BERLIN = ZoneInfo("Europe/Berlin")
W47 = dt.date(2026, 11, 16)  # Monday of 2026-W47


def smile_visit(observer, store, monday: dt.date, smiles: list[int], *, day: int = 1, **overrides):
    """A visit on the `day`-th day of the week of `monday`, one interaction per smile (1..5)."""
    started = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(11), tzinfo=BERLIN)
    return submit_visit(
        observer=observer,
        store=store,
        started_at=started,
        interactions=[interaction_input(smile=smile, **overrides) for smile in smiles],
        now=started + dt.timedelta(hours=2),
    )


@pytest.fixture
def plan_manager(store):
    return UserFactory(
        username="manager-plan",
        role="manager",
        stores=[store],
        email="plan.manager@store.example",
        first_name="Paula",
        language="en",
    )


@pytest.fixture
def region_supervisor(region):
    return UserFactory(
        username="supervisor-plan",
        role="supervisor",
        regions=[region],
        email="plan.supervisor@oasis.example",
        language="de",
    )


@pytest.fixture
def open_plan(store):
    return ActionPlan.objects.create(store=store, week_start=W47, reason=Reason.DESERT, focus="smile")


@pytest.fixture
def submitted_plan(store, plan_manager):
    return ActionPlan.objects.create(
        store=store,
        week_start=W47,
        reason=Reason.DESERT,
        focus="smile",
        actions="Daily warm-up: greet each other with a smile.",
        owner="Tom",
        due_date=dt.date(2026, 12, 18),
        state=PlanState.SUBMITTED,
        round=1,
        submitted_at=dt.datetime(2026, 11, 24, 9, tzinfo=BERLIN),
        submitted_by=plan_manager,
    )
