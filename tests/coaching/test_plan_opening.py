"""A desert week or a meaningful fall in a dimension opens one plan per store-week."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail

from coaching.models import ActionPlan, NoticeKind, PlanNotice, Reason
from coaching.services import plans_open_for_published_weeks, plans_open_for_week
from reports import publication

from ..factories import StoreFactory
from .conftest import W47, smile_visit

pytestmark = pytest.mark.django_db

W46 = W47 - dt.timedelta(weeks=1)


def test_a_desert_week_opens_a_plan_focused_on_the_behaviour_with_most_room(store, shopper, plan_manager):
    # not greeted (greeting 0), smile 1 (0), nobody followed (hovering 100): SOI (0.2 * 100) / 0.7 = 28.6
    for day in (1, 3):
        smile_visit(shopper, store, W47, [1], day=day, greeted=False, greeting_seconds=None, greeting_personal=False)
    [plan] = plans_open_for_week(week_start=W47)
    assert (plan.store, plan.week_start, plan.reason) == (store, W47, Reason.DESERT)
    assert plan.focuses == ["greeting", "smile"]  # room 42.9 and 28.6 of the index


def test_opening_the_same_week_twice_opens_one_plan_and_one_notice(
    store, shopper, plan_manager, eager_tasks, django_capture_on_commit_callbacks
):
    smile_visit(shopper, store, W47, [1], greeted=False, greeting_seconds=None, greeting_personal=False)
    with django_capture_on_commit_callbacks(execute=True):
        plans_open_for_week(week_start=W47)
        assert plans_open_for_week(week_start=W47) == []
    assert ActionPlan.objects.count() == 1
    assert PlanNotice.objects.filter(kind=NoticeKind.OPENED, recipient=plan_manager).count() == 1
    assert [message.to for message in mail.outbox] == [[plan_manager.email]]


def test_a_meaningful_fall_in_smile_opens_a_plan_on_smile(store, shopper):
    for day, smile in enumerate([5, 5, 5, 5], start=1):
        smile_visit(shopper, store, W46, [smile], day=day)
    for day, smile in enumerate([2, 3, 2, 3], start=1):  # smile 100 -> 37.5, every visit lower
        smile_visit(shopper, store, W47, [smile], day=day)
    [plan] = plans_open_for_week(week_start=W47)
    assert (plan.reason, plan.focuses) == (Reason.FALL, ["smile"])


def test_a_fall_within_normal_variation_opens_nothing(store, shopper):
    for day, smile in enumerate([5, 2, 5], start=1):
        smile_visit(shopper, store, W46, [smile], day=day)
    for day, smile in enumerate([4, 2, 5], start=1):  # 75 -> 66.7, well inside the noise of three visits
        smile_visit(shopper, store, W47, [smile], day=day)
    assert plans_open_for_week(week_start=W47) == []


def test_a_plan_opens_once_the_stores_week_is_published_and_not_before(store, shopper, plan_manager):
    """Plans open at publication in the store's own time zone (Berlin: Monday 06:00), not at a
    fixed hour of the server, and a later run opens nothing more."""
    smile_visit(shopper, store, W47, [1], greeted=False, greeting_seconds=None, greeting_personal=False)
    published = publication.published_at(W47, store.tzinfo)

    assert plans_open_for_published_weeks(now=published - dt.timedelta(minutes=1)) == []
    [plan] = plans_open_for_published_weeks(now=published)
    assert (plan.store, plan.week_start) == (store, W47)
    assert plans_open_for_published_weeks(now=published + dt.timedelta(hours=1)) == []
    assert ActionPlan.objects.count() == 1


def test_a_store_in_another_time_zone_waits_for_its_own_publication(region, shopper, plan_manager):
    new_york = StoreFactory(code="nyc", region=region, timezone="America/New_York")
    shopper.stores.add(new_york)
    smile_visit(shopper, new_york, W47, [1], greeted=False, greeting_seconds=None, greeting_personal=False)
    berlin_publication = publication.published_at(W47, zoneinfo.ZoneInfo("Europe/Berlin"))

    assert plans_open_for_published_weeks(now=berlin_publication) == []  # 00:00 in New York, Monday
    [plan] = plans_open_for_published_weeks(now=publication.published_at(W47, new_york.tzinfo))
    assert plan.store == new_york
