"""A visit belongs to the ISO week of its start in the store's own time zone."""

from __future__ import annotations

import pytest

from reports.branches import branch_report
from reports.periods import Period
from reports.publication import Audience
from reports.store_report import store_weekly_report
from stores.models import Store

from ..factories import UserFactory
from .conftest import PERFECT, W11, W12, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def zurich_shopper(other_store):
    return UserFactory(username="shopper-zurich", role="shopper", stores=[other_store])


def test_a_visit_on_sunday_at_23_30_in_zurich_belongs_to_that_week(other_store, zurich_shopper):
    # 22:30 UTC on Sunday 15 March: still W11 in Zurich
    visit(zurich_shopper, other_store, "2026-03-15 23:30", PERFECT)
    assert (
        store_weekly_report(
            store=other_store, week_start=W11, approved_only=False, audience=Audience.STAFF
        ).figures.n_visits
        == 1
    )
    assert (
        store_weekly_report(
            store=other_store, week_start=W12, approved_only=False, audience=Audience.STAFF
        ).figures.n_visits
        == 0
    )


def test_a_visit_just_after_midnight_on_monday_in_zurich_belongs_to_the_next_week(other_store, zurich_shopper):
    # 23:10 UTC on Sunday 15 March, but already Monday 16 March in Zurich: W12
    visit(zurich_shopper, other_store, "2026-03-16 00:10", PERFECT)
    assert (
        store_weekly_report(
            store=other_store, week_start=W11, approved_only=False, audience=Audience.STAFF
        ).figures.n_visits
        == 0
    )
    assert (
        store_weekly_report(
            store=other_store, week_start=W12, approved_only=False, audience=Audience.STAFF
        ).figures.n_visits
        == 1
    )


def test_the_same_instant_falls_in_different_weeks_for_stores_in_different_time_zones(region, head_office):
    tokyo = Store.objects.create(code="tyo", name="Tokyo", region=region, city="Tokyo", timezone="Asia/Tokyo")
    zurich = Store.objects.create(code="zrh", name="Zürich", region=region, city="Zürich", timezone="Europe/Zurich")
    # Sunday 15 March 23:30 in Zurich is Monday 16 March 07:30 in Tokyo
    visit(head_office, zurich, "2026-03-15 23:30", PERFECT)
    visit(head_office, tokyo, "2026-03-16 07:30", PERFECT)
    by_store = {
        row.store.code: row.figures.n_visits
        for row in branch_report(stores=Store.objects.all(), period=Period(W11, W11), approved_only=False).stores
    }
    assert by_store == {"tyo": 0, "zrh": 1}
