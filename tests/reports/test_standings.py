"""The league's shrinkage constant estimated from the data (reports.standings): the method of
moments by hand, its bounds and fallback, the database's sums, and the league reading it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from observations import scoring
from observations.models import RollupScope, Visit
from reports import standings
from reports.branches import branch_report
from reports.models import StoreWeekRollup, WeekStandings
from reports.periods import Period
from reports.publication import Audience
from reports.store_report import store_weekly_report
from stores.models import Store

from ..factories import interaction_input
from .conftest import COLD, MIXED, PERFECT, W10, W11, visit

# Three store-weeks: [60, 70], [80, 90], [40, 50, 60]: N = 7, I = 3, totals 130, 170, 150.
# within: (50 + 50 + 200) / (7 - 3) = 75
# between sum of squares: 130^2/2 + 170^2/2 + 150^2/3 - 450^2/7 = 30400 - 202500/7 = 10300/7
# tau^2 = (10300/7 - 2 * 75) / (7 - (4 + 4 + 9)/7) = (9250/7) / (32/7) = 289.0625
THREE = [[60.0, 70.0], [80.0, 90.0], [40.0, 50.0, 60.0]]


def units(groups):
    return [(len(values), sum(values), sum(v * v for v in values)) for values in groups]


def test_within_and_between_variances_by_hand():
    components = standings.Components.of(standings.Sums.of(units(THREE)))
    assert (components.store_weeks, components.visits) == (3, 7)
    assert components.within == pytest.approx(75.0)
    assert components.between == pytest.approx(289.0625)


def test_the_constant_is_within_over_between_once_there_are_enough_store_weeks():
    # Ten times the three store-weeks: I = 30, N = 70; within (10 * 300) / 40 = 75;
    # between sum of squares 10 * 10300/7 = 103000/7; scale 70 - 170/70 = 473/7;
    # tau^2 = (103000/7 - 29 * 75) / (473/7) = 87775 / 473; k = 75 * 473 / 87775.
    components = standings.Components.of(standings.Sums.of(units(THREE * 10)))
    assert not components.thin
    assert components.between == pytest.approx(87775 / 473)
    assert components.shrinkage == pytest.approx(75 * 473 / 87775)  # 0.404


def test_thin_data_keep_the_fallback_constant():
    components = standings.Components.of(standings.Sums.of(units(THREE)))
    assert components.thin
    assert components.shrinkage == standings.FALLBACK_SHRINKAGE == 3.0
    assert standings.Components.of(standings.Sums.of(units([[70.0]] * 40))).shrinkage == 3.0  # nothing within


def test_stores_that_differ_no_more_than_their_visits_take_the_ceiling_and_very_different_ones_the_floor():
    alike = [[50.0, 70.0], [70.0, 50.0]] * 15  # equal means: tau^2 < 0
    assert standings.Components.of(standings.Sums.of(units(alike))).shrinkage == standings.MAX_SHRINKAGE
    apart = [[10.0, 11.0], [90.0, 91.0]] * 15  # within 0.5, between about 1600
    assert standings.Components.of(standings.Sums.of(units(apart))).shrinkage == standings.MIN_SHRINKAGE


@pytest.mark.django_db
def test_the_databases_sums_over_the_window_equal_those_of_the_rollups(store, other_store, head_office):
    visit(head_office, store, "2026-03-10 10:00", PERFECT)
    visit(head_office, store, "2026-03-11 10:00", MIXED)
    visit(head_office, other_store, "2026-03-03 10:00", COLD)
    visit(head_office, other_store, "2026-03-04 10:00", PERFECT, MIXED)
    visit(head_office, other_store, "2026-03-12 10:00", MIXED)
    sums = standings.sums_of(scope=RollupScope.COUNTED, week_start=W11)
    rows = StoreWeekRollup.objects.filter(scope=RollupScope.COUNTED, n_visits__gt=0)
    expected = standings.Sums.of((row.n_visits, row.soi_sum, row.soi_sum_squares) for row in rows)
    assert sums.store_weeks == expected.store_weeks == 3
    assert sums.visits == expected.visits == Visit.objects.count()
    for name in ("total", "between_sum", "within_sum", "visits_squared"):
        assert getattr(sums, name) == pytest.approx(getattr(expected, name))
    assert standings.sums_of(scope=RollupScope.COUNTED, week_start=W10).store_weeks == 1  # nothing after the week


@pytest.mark.django_db
def test_the_league_and_the_store_report_shrink_with_the_weeks_estimated_constant(store, other_store, head_office):
    visit(head_office, store, "2026-03-10 10:00", PERFECT)
    visit(head_office, store, "2026-03-11 10:00", MIXED)
    visit(head_office, other_store, "2026-03-12 10:00", MIXED)
    mean = (100 + 60 + 60) / 3
    report = branch_report(stores=Store.objects.all(), period=Period(W11, W11), approved_only=False)
    assert {row.store.code: row.shrunk_soi for row in report.stores}[store.code] == pytest.approx(
        (2 * 80 + 3 * mean) / 5
    )  # no estimate yet: the company mean counts as 3 visits
    WeekStandings.objects.create(
        scope=RollupScope.COUNTED, week_start=W10, shrinkage=0.5, estimated=True, computed_at=timezone.now()
    )
    report = branch_report(stores=Store.objects.all(), period=Period(W11, W11), approved_only=False)
    shrunk = {row.store.code: row.shrunk_soi for row in report.stores}
    assert shrunk[store.code] == pytest.approx(scoring.shrunk_soi(80.0, 2, mean, 0.5))  # the latest week up to W11
    assert shrunk[other_store.code] == pytest.approx((60 + 0.5 * mean) / 1.5)
    one = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert one.shrunk_soi == shrunk[store.code]


@pytest.mark.django_db
def test_a_week_is_refreshed_when_a_rollup_of_its_window_changed_and_only_then(store, head_office):
    now = dt.datetime(2026, 3, 13, 12, tzinfo=dt.UTC)  # in W11
    visit(head_office, store, "2026-03-10 10:00", PERFECT)
    stale = standings.stale_weeks(now=now)
    assert (RollupScope.COUNTED, W11) in [(scope, week) for scope, week, _seen in stale]
    assert standings.refresh_stale(now=now) == len(stale)
    assert standings.stale_weeks(now=now) == []
    saved = WeekStandings.objects.get(scope=RollupScope.COUNTED, week_start=W11)
    assert (saved.shrinkage, saved.estimated, saved.visits) == (3.0, False, 1)
    visit(head_office, store, "2026-03-11 10:00", interaction_input(smile=2))
    assert (RollupScope.COUNTED, W11) in [(scope, week) for scope, week, _seen in standings.stale_weeks(now=now)]
