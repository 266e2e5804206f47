"""A store's rank interval counts every store's uncertainty (reports.standings.rank_intervals):
by hand where it is clear-cut, against a brute-force simulation with a fixed seed, and through the
store report and its API in one query."""

from __future__ import annotations

import math
import random

import pytest
from django.urls import reverse

from observations.models import RollupScope
from reports import standings
from reports.models import StoreWeekStanding
from reports.publication import Audience
from reports.store_report import store_weekly_report

from ..factories import StoreFactory, interaction_input
from .conftest import COLD, MIXED, PERFECT, W11, visit


def brute_force(means, sds, draws, seed):
    """Every draw ranks every store; the 2.5 % and 97.5 % points of each store's ranks."""
    rng = random.Random(seed)
    ranks = [[] for _ in means]
    for _ in range(draws):
        drawn = [rng.gauss(mean, sd) for mean, sd in zip(means, sds, strict=True)]
        for index, value in enumerate(drawn):
            ranks[index].append(1 + sum(other > value for other in drawn))
    tail = math.floor(0.025 * draws)
    return [(sorted(r)[tail], sorted(r)[draws - 1 - tail]) for r in ranks]


def test_stores_far_apart_hold_their_ranks_and_equal_stores_share_every_rank():
    assert standings.rank_intervals([90.0, 10.0, 50.0], [1.0, 1.0, 1.0]) == [(1, 1), (3, 3), (2, 2)]
    assert standings.rank_intervals([60.0, 60.0], [5.0, 5.0]) == [(1, 2), (1, 2)]
    # a clear leader, two stores 2 points apart with spreads of 5: either may be second
    assert standings.rank_intervals([95.0, 60.0, 58.0], [2.0, 5.0, 5.0]) == [(1, 1), (2, 3), (2, 3)]


def test_a_precise_store_among_uncertain_ones_can_take_ranks_its_own_interval_would_not_allow():
    # Store 0 is known to +-0.1; held at their scores the others are 4 and 6 points away, so its rank
    # would be 2 for sure. Each of them spreads by 5, so either may pass it: ranks 1 to 3.
    assert standings.rank_intervals([60.0, 64.0, 54.0], [0.1, 5.0, 5.0])[0] == (1, 3)


def test_the_intervals_agree_with_a_brute_force_simulation_with_a_fixed_seed():
    rng = random.Random(21)
    means = [rng.uniform(50, 80) for _ in range(8)]
    sds = [rng.uniform(2, 10) for _ in range(8)]
    product = standings.rank_intervals(means, sds, draws=4000, seed=3)
    reference = brute_force(means, sds, draws=4000, seed=4)
    for (low, high), (ref_low, ref_high) in zip(product, reference, strict=True):
        assert abs(low - ref_low) <= 1 and abs(high - ref_high) <= 1  # two simulations: a rank at most
    assert sum(p == r for p, r in zip(product, reference, strict=True)) >= 6


@pytest.mark.django_db
def test_the_store_report_reads_the_weeks_stored_interval_in_its_one_standing_query(
    store, other_store, region, head_office, django_assert_num_queries
):
    third = StoreFactory(code="ham", name="Hamburg", region=region)
    visit(head_office, store, "2026-03-10 10:00", PERFECT)
    visit(head_office, store, "2026-03-11 10:00", MIXED)
    visit(head_office, other_store, "2026-03-10 10:00", MIXED)
    visit(head_office, other_store, "2026-03-12 10:00", interaction_input(smile=4))
    visit(head_office, third, "2026-03-11 10:00", COLD)
    visit(head_office, third, "2026-03-12 10:00", interaction_input(smile=2))
    before = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert (before.rank_low, before.rank_high) == (None, None)  # not computed yet: no interval shown
    standings.refresh_week(scope=RollupScope.COUNTED, week_start=W11)
    stored = {row.store_id: (row.rank_low, row.rank_high) for row in StoreWeekStanding.objects.all()}
    assert set(stored) == {store.pk, other_store.pk, third.pk}
    with django_assert_num_queries(5):
        report = store_weekly_report(store=store, week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert (report.rank_low, report.rank_high) == stored[store.pk]
    assert report.rank_low <= report.rank <= report.rank_high


@pytest.mark.django_db
def test_a_managers_page_and_api_say_the_ranks_the_interval_allows(
    api, client, manager, store, other_store, shopper, supervisor, head_office
):
    visit(shopper, store, "2026-03-10 10:00", PERFECT)
    visit(supervisor, store, "2026-03-11 10:00", COLD)
    visit(head_office, other_store, "2026-03-10 10:00", MIXED)
    visit(head_office, other_store, "2026-03-11 10:00", MIXED)
    standings.refresh_week(scope=RollupScope.COUNTED, week_start=W11)
    api.force_authenticate(manager)
    body = api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).json()
    assert (body["n_ranked"], body["rank_low"], body["rank_high"]) == (2, 1, 2)
    client.force_login(manager)
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    english = client.get(page, {"week": "2026-W11"}, headers={"accept-language": "en"}).content.decode()
    assert "anywhere from 1 to 2 within the 95 % interval" in english
    german = client.get(page, {"week": "2026-W11"}, headers={"accept-language": "de"}).content.decode()
    assert "irgendwo von 1 bis 2 innerhalb des 95-%-Intervalls" in german
