"""A desert week or a meaningful fall in a dimension opens one plan per store-week."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from coaching.models import ActionPlan, NoticeKind, PlanNotice, Reason
from coaching.services import plans_open_for_week

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
