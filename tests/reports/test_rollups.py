"""Rollups follow every submission and review, and always equal a recomputation from scratch."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from observations import scoring
from observations.models import Interaction, RollupScope, Visit, VisitStatus
from reports.models import RegionWeekRollup, StoreWeekRollup
from reports.totals import Totals
from stores.models import Store

from ..factories import StoreFactory, UserFactory, interaction_input
from .conftest import COLD, PERFECT, W11, review, visit

pytestmark = pytest.mark.django_db


def recomputed_from_interactions() -> dict[tuple[int, dt.date, str], Totals]:
    """Rollups from the raw interaction observations, re-scored with the reference scoring."""
    by_visit = defaultdict(list)
    for interaction in Interaction.objects.order_by("position"):
        by_visit[interaction.visit_id].append(interaction)
    expected: dict[tuple[int, dt.date, str], Totals] = {}
    for stored in Visit.objects.select_related("rubric"):
        scopes = {
            VisitStatus.SUBMITTED: [RollupScope.COUNTED],
            VisitStatus.APPROVED: [RollupScope.COUNTED, RollupScope.APPROVED],
            VisitStatus.REJECTED: [],
        }[stored.status]
        interactions = by_visit[stored.pk]
        scores = scoring.visit_scores([i.values() for i in interactions], stored.rubric.params())
        for scope in scopes:
            totals = expected.setdefault((stored.store_id, stored.week_start, scope), Totals())
            totals.n_visits += 1
            totals.rubric_version = max(totals.rubric_version, stored.rubric.version)
            totals.soi_sum += scores.soi
            totals.soi_sum_squares += scores.soi**2
            for name in scoring.DIMENSIONS:
                if scores.dimension(name) is not None:
                    setattr(totals, f"{name}_sum", getattr(totals, f"{name}_sum") + scores.dimension(name))
                    setattr(totals, f"{name}_n", getattr(totals, f"{name}_n") + 1)
            for i in interactions:
                totals.n_interactions += 1
                totals.n_greeted += i.greeted
                totals.n_smiling += i.smile >= 4
                totals.n_hovering += i.followed or i.unsolicited_approaches >= 2
                if i.greeted:
                    totals.greeting_seconds.append(i.greeting_seconds)
                if i.asked:
                    totals.response_seconds.append(i.response_seconds)
    return expected


def stored_rollups() -> dict[tuple[int, dt.date, str], Totals]:
    return {(row.store_id, row.week_start, row.scope): Totals.of(row) for row in StoreWeekRollup.objects.all()}


def assert_rollups_match_a_recomputation():
    stored, expected = stored_rollups(), recomputed_from_interactions()
    assert stored.keys() == expected.keys()
    for key, totals in expected.items():
        assert stored[key].isclose(totals), key
    assert_region_rollups_match_a_recomputation(expected)


def assert_region_rollups_match_a_recomputation(per_store_week: dict | None = None):
    """Region-week rollups equal the raw rows' recomputation, merged by the stores' current regions."""
    per_store_week = recomputed_from_interactions() if per_store_week is None else per_store_week
    region_of = dict(Store.objects.values_list("pk", "region_id"))
    expected: dict[tuple[int, dt.date, str], Totals] = {}
    for (store_id, week, scope), totals in per_store_week.items():
        expected.setdefault((region_of[store_id], week, scope), Totals()).add(totals)
    stored = {(row.region_id, row.week_start, row.scope): Totals.of(row) for row in RegionWeekRollup.objects.all()}
    assert stored.keys() == expected.keys()
    for key, totals in expected.items():
        assert stored[key].isclose(totals), key


def random_interaction(rng: random.Random):
    greeted, asked = rng.random() < 0.7, rng.random() < 0.5
    return interaction_input(
        greeted=greeted,
        greeting_seconds=rng.randint(0, 200) if greeted else None,
        greeting_personal=greeted and rng.random() < 0.5,
        smile=rng.randint(1, 5),
        unsolicited_approaches=rng.randint(0, 3),
        followed=rng.random() < 0.2,
        asked=asked,
        response_seconds=rng.randint(0, 300) if asked else None,
        response_quality=rng.randint(1, 5) if asked else None,
    )


def test_a_submission_creates_the_rollup_of_its_store_week(store, shopper):
    visit(shopper, store, "2026-03-10 10:00", PERFECT, COLD)
    rollup = StoreWeekRollup.objects.get(store=store, week_start=W11, scope=RollupScope.COUNTED)
    assert (rollup.n_visits, rollup.n_interactions, rollup.greeting_seconds) == (1, 2, [10])
    assert not StoreWeekRollup.objects.filter(scope=RollupScope.APPROVED).exists()


def test_approving_adds_the_visit_to_the_approved_rollup(store, shopper, supervisor):
    review(visit(shopper, store, "2026-03-10 10:00", PERFECT), supervisor, "approve")
    assert StoreWeekRollup.objects.get(scope=RollupScope.APPROVED).n_visits == 1
    assert StoreWeekRollup.objects.get(scope=RollupScope.COUNTED).n_visits == 1


def test_rejecting_the_only_visit_removes_the_store_week(store, shopper, supervisor):
    review(visit(shopper, store, "2026-03-10 10:00", PERFECT), supervisor, "reject")
    assert not StoreWeekRollup.objects.exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_recomputation_after_a_random_mix_of_creates_and_reviews(seed, region, head_office):
    rng = random.Random(seed)
    stores = [
        StoreFactory(code=f"mix-{n}", region=region, timezone=tz)
        for n, tz in enumerate(["Europe/Berlin", "Europe/Zurich", "America/New_York"])
    ]
    shopper = UserFactory(username=f"mix-shopper-{seed}", role="shopper", stores=stores)
    reviewer = UserFactory(username=f"mix-head-{seed}", role="head_office")  # nobody reviews their own visit
    visits = []
    for _ in range(60):
        if visits and rng.random() < 0.35:
            # review a random visit, maybe one already reviewed (a change of mind)
            review(rng.choice(visits), reviewer, rng.choice(["approve", "approve", "reject"]))
            continue
        day = dt.date(2026, 3, 9) + dt.timedelta(days=rng.randint(0, 20))
        when = f"{day} {rng.randint(0, 23):02d}:{rng.choice(['00', '30', '59'])}"
        n = rng.choice([1, 1, 2, 5, 20])
        observer = rng.choice([shopper, head_office])
        visits.append(visit(observer, rng.choice(stores), when, *[random_interaction(rng) for _ in range(n)]))
    assert {v.status for v in Visit.objects.all()} == {"submitted", "approved", "rejected"}
    assert_rollups_match_a_recomputation()


def test_rebuild_rollups_restores_deleted_and_corrupted_rollups(store, other_store, shopper, supervisor, head_office):
    visit(shopper, store, "2026-03-10 10:00", PERFECT)
    review(visit(shopper, store, "2026-03-17 10:00", COLD), supervisor, "approve")
    visit(head_office, other_store, "2026-03-10 10:00", COLD)
    StoreWeekRollup.objects.filter(store=store).delete()
    StoreWeekRollup.objects.filter(store=other_store).update(n_visits=99, soi_sum=0)
    StoreWeekRollup.objects.create(store=other_store, week_start=dt.date(2026, 1, 5), scope="counted", n_visits=3)
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert_rollups_match_a_recomputation()
    assert "[1/2] ber-mitte: 2 week(s) with visits" in out.getvalue()
    assert "[2/2] zrh-hb: 1 week(s) with visits" in out.getvalue()


def test_a_store_moving_to_another_region_takes_its_weeks_along(store, other_store, shopper, head_office):
    visit(shopper, store, "2026-03-10 10:00", PERFECT)
    visit(head_office, other_store, "2026-03-10 10:00", COLD)
    assert RegionWeekRollup.objects.filter(region=store.region).count() == 1
    store.region = other_store.region
    store.save()
    assert not RegionWeekRollup.objects.filter(region_id=store.region_id).exclude(region=other_store.region).exists()
    assert_region_rollups_match_a_recomputation()


def test_region_weeks_of_many_stores_follow_each_change(region, other_region, head_office):
    """The seconds counts of a region's week move by each store-week's difference; a review that
    takes a visit out must take its seconds out again."""
    rng = random.Random(11)
    stores = [StoreFactory(code=f"rw-{n}", region=region if n % 2 else other_region) for n in range(4)]
    reviewer = UserFactory(username="rw-head", role="head_office")
    visits = [
        visit(head_office, rng.choice(stores), f"2026-03-{rng.randint(9, 22):02d} 10:00", random_interaction(rng))
        for _ in range(25)
    ]
    for chosen in rng.sample(visits, 10):
        review(chosen, reviewer, rng.choice(["approve", "reject"]))
    assert_rollups_match_a_recomputation()


def test_rebuild_rollups_of_an_unknown_store_fails_clearly(db):
    with pytest.raises(CommandError, match="Unknown store code"):
        call_command("rebuild_rollups", "--store", "nowhere")
