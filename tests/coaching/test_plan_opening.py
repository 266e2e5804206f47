"""A desert week on evidence or a meaningful fall of the index opens one plan per store-week."""

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
DESERT = {"greeted": False, "greeting_seconds": None, "greeting_personal": False}


def desert_week(shopper, store, monday, visits: int = 3):
    """Visits of SOI 28.6 (not greeted, smile 1, not followed). Three of them: the interval's upper
    end, their spread taken as MIN_VISIT_SD = 5, is 28.6 + 4.303 * 5 / sqrt(3) = 41.0 < 50."""
    for day in range(visits):
        smile_visit(shopper, store, monday, [1], day=2 * day, **DESERT)


def test_a_desert_week_opens_a_plan_focused_on_the_behaviour_with_most_room(store, shopper, plan_manager):
    # not greeted (greeting 0), smile 1 (0), nobody followed (hovering 100): SOI (0.2 * 100) / 0.7 = 28.6
    desert_week(shopper, store, W47)
    [plan] = plans_open_for_week(week_start=W47)
    assert (plan.store, plan.week_start, plan.reason) == (store, W47, Reason.DESERT)
    assert plan.focuses == ["greeting", "smile"]  # room 42.9 and 28.6 of the index


def test_opening_the_same_week_twice_opens_one_plan_and_one_notice(
    store, shopper, plan_manager, eager_tasks, django_capture_on_commit_callbacks
):
    desert_week(shopper, store, W47)
    with django_capture_on_commit_callbacks(execute=True):
        plans_open_for_week(week_start=W47)
        assert plans_open_for_week(week_start=W47) == []
    assert ActionPlan.objects.count() == 1
    assert PlanNotice.objects.filter(kind=NoticeKind.OPENED, recipient=plan_manager).count() == 1
    assert [message.to for message in mail.outbox] == [[plan_manager.email]]


def test_a_meaningful_fall_of_the_index_opens_a_plan_on_the_behaviour_that_fell(store, shopper):
    for day, smile in enumerate([5, 5, 5, 5], start=1):
        smile_visit(shopper, store, W46, [smile], day=day)
    for day, smile in enumerate([2, 3, 2, 3], start=1):  # smile 100 -> 37.5, every visit lower
        smile_visit(shopper, store, W47, [smile], day=day)
    [plan] = plans_open_for_week(week_start=W47)
    assert (plan.reason, plan.focuses) == (Reason.FALL, ["smile"])


def test_two_desert_visits_are_too_few_to_open_a_plan(store, shopper):
    desert_week(shopper, store, W47, visits=2)
    assert plans_open_for_week(week_start=W47) == []


def test_a_desert_week_of_visits_that_disagree_opens_nothing(store, shopper):
    # SOI 28.6, 28.6 and 100: mean 52.4, no evidence of a desert; and no week to compare with
    desert_week(shopper, store, W47, visits=2)
    smile_visit(shopper, store, W47, [5], day=5)
    assert plans_open_for_week(week_start=W47) == []


def test_with_approved_visits_only_unreviewed_desert_visits_open_nothing(store, shopper, settings):
    settings.OASIS_REPORTS_APPROVED_ONLY = True
    desert_week(shopper, store, W47)
    assert plans_open_for_week(week_start=W47) == []


def test_a_fall_within_normal_variation_opens_nothing(store, shopper):
    for day, smile in enumerate([5, 2, 5], start=1):
        smile_visit(shopper, store, W46, [smile], day=day)
    for day, smile in enumerate([4, 2, 5], start=1):  # 75 -> 66.7, well inside the noise of three visits
        smile_visit(shopper, store, W47, [smile], day=day)
    assert plans_open_for_week(week_start=W47) == []


def test_a_plan_opens_once_the_stores_week_is_published_and_not_before(store, shopper, plan_manager):
    """Plans open at publication in the store's own time zone (Berlin: Monday 06:00), not at a
    fixed hour of the server, and a later run opens nothing more."""
    desert_week(shopper, store, W47)
    published = publication.published_at(W47, store.tzinfo)

    assert plans_open_for_published_weeks(now=published - dt.timedelta(minutes=1)) == []
    [plan] = plans_open_for_published_weeks(now=published)
    assert (plan.store, plan.week_start) == (store, W47)
    assert plans_open_for_published_weeks(now=published + dt.timedelta(hours=1)) == []
    assert ActionPlan.objects.count() == 1


def test_a_store_in_another_time_zone_waits_for_its_own_publication(region, shopper, plan_manager):
    new_york = StoreFactory(code="nyc", region=region, timezone="America/New_York")
    shopper.stores.add(new_york)
    desert_week(shopper, new_york, W47)
    berlin_publication = publication.published_at(W47, zoneinfo.ZoneInfo("Europe/Berlin"))

    assert plans_open_for_published_weeks(now=berlin_publication) == []  # 00:00 in New York, Monday
    [plan] = plans_open_for_published_weeks(now=publication.published_at(W47, new_york.tzinfo))
    assert plan.store == new_york
