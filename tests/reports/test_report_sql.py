"""The store report's written-out statements (`reports.report_sql`) give what the querysets they
replace gave: the same rollups in the same order, the same notes for managers and for staff, the
same visit scores. The querysets below are the reference (the report's code before)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import Count

from observations.models import Interaction, Rubric, Visit, VisitStatus
from reports.figures import (
    area_totals,
    fold_area_totals,
    fold_means,
    mean_by_week_and_region,
    per_store_sums,
    per_store_sums_sql,
    rollup_scope,
    rubrics_by_version,
)
from reports.models import RegionWeekRollup, StoreWeekRollup
from reports.notes import Note, notes_of
from reports.periods import trend_weeks
from reports.publication import Audience
from reports.report_sql import week_rollups
from reports.samples import RATE_COUNTS, visit_scores_by_week
from reports.totals import Totals
from stores.models import Role, Store
from stores.services import user_apply_role

from ..factories import StoreFactory, UserFactory, interaction_input
from .conftest import COLD, MIXED, PERFECT, W10, W11, W12, review, visit

pytestmark = pytest.mark.django_db

SCORE_COLUMNS = ("soi", "greeting_score", "smile_score", "hovering_score", "response_score")


def reference_notes(store: Store, week_start: dt.date, approved_only: bool, audience: Audience) -> list[Note]:
    if audience is Audience.MANAGER:
        approved = Visit.objects.filter(store=store, week_start=week_start, status=VisitStatus.APPROVED)
        notes = [
            Note("", text, None, True, None)
            for text in approved.exclude(reviewed_notes="").order_by("pk").values_list("reviewed_notes", flat=True)
        ]
        return notes + [
            Note("", text, None, True, None)
            for text in Interaction.objects.filter(visit__in=approved)
            .exclude(reviewed_notes="")
            .order_by("visit_id", "position")
            .values_list("reviewed_notes", flat=True)
        ]
    counted = Visit.objects.counted(approved_only=approved_only).filter(store=store, week_start=week_start)
    tz = store.tzinfo

    def note(role, started_at, status, original, reviewed, position=None) -> Note | None:
        is_reviewed = status == VisitStatus.APPROVED
        text = reviewed if is_reviewed else original
        return Note(role, text, position, is_reviewed, started_at.astimezone(tz).date()) if text else None

    found = [
        note(*row)
        for row in counted.order_by("started_at", "pk").values_list(
            "observer_role", "started_at", "status", "notes", "reviewed_notes"
        )
    ]
    found += [
        note(*row)
        for row in Interaction.objects.filter(visit__in=counted)
        .order_by("visit__started_at", "visit_id", "position")
        .values_list(
            "visit__observer_role", "visit__started_at", "visit__status", "notes", "reviewed_notes", "position"
        )
    ]
    kept = [item for item in found if item is not None]
    kept.sort(key=lambda item: (item.day, item.interaction or 0))
    return kept


def reference_visit_scores(stores, weeks, approved_only: bool) -> dict:
    found: dict = defaultdict(lambda: defaultdict(list))
    rows = (
        Visit.objects.counted(approved_only=approved_only)
        .filter(store__in=stores, week_start__in=list(weeks))
        .order_by()
        .annotate(**{name: Count("interactions", filter=condition) for name, condition in RATE_COUNTS.items()})
        .values_list("store_id", "week_start", "n_interactions", *SCORE_COLUMNS, *RATE_COUNTS)
    )
    for store_id, week, n_interactions, soi, *values in rows:
        scores = found[(store_id, week)]
        if soi is not None:
            scores["soi"].append(soi)
        for name, value in zip(("greeting", "smile", "hovering", "response"), values[:4], strict=True):
            if value is not None:
                scores[name].append(value)
        for name, count in zip(RATE_COUNTS, values[4:], strict=True):
            scores[name].append((count, n_interactions))
    return {key: {name: sorted(values) for name, values in scores.items()} for key, scores in found.items()}


def sorted_scores(scores: dict) -> dict:
    return {key: {name: sorted(values) for name, values in by_name.items()} for key, by_name in scores.items()}


@pytest.fixture
def company(region, other_region, head_office, supervisor, shopper, store):
    """Three stores in two regions over three weeks: visits with and without notes, notes on
    some interactions, approved visits with reviewed text, a rejected visit, a shopper's visit."""
    stores = [store, StoreFactory(code="b", region=region), StoreFactory(code="c", region=other_region)]
    reviewer = user_apply_role(user=UserFactory(username="head-eva", role=Role.HEAD_OFFICE))
    noted = interaction_input(notes="slow at the till")
    for n, target in enumerate(stores):
        visit(head_office, target, "2026-03-03 10:00", PERFECT, MIXED)
        visit(head_office, target, "2026-03-10 09:00", MIXED, COLD, noted, notes=f"busy {n}")
        visit(supervisor if target.region == region else head_office, target, "2026-03-12 18:00", COLD, noted)
        approved = visit(head_office, target, "2026-03-11 11:00", PERFECT, noted, PERFECT, notes="friendly")
        review(approved, reviewer, "approve")
        Visit.objects.filter(pk=approved.pk).update(reviewed_notes=f"friendly {n}")
        Interaction.objects.filter(visit=approved, position=2).update(reviewed_notes="slow at the till (checked)")
        rejected = visit(head_office, target, "2026-03-13 12:00", COLD, notes="do not show")
        review(rejected, reviewer, "reject")
        visit(head_office, target, "2026-03-17 10:00", PERFECT)
    visit(shopper, store, "2026-03-10 15:00", MIXED, noted, notes="shopper's note")
    return stores


@pytest.mark.parametrize("approved_only", [False, True])
def test_the_report_reads_the_same_rollups_in_the_same_order(company, approved_only):
    scope = rollup_scope(approved_only)
    weeks = trend_weeks(W11)
    for store in company:
        own, regions = week_rollups(store_id=store.pk, scope=scope, weeks=weeks, week=W11)

        assert own == {
            row.week_start: Totals.of(row)
            for row in StoreWeekRollup.objects.filter(store=store, scope=scope, week_start__in=weeks)
        }
        assert own[W11].n_visits > 0
        assert [(week, region_id, n, total) for week, region_id, n, total, _ in regions] == list(
            RegionWeekRollup.objects.filter(scope=scope, week_start__in=weeks).values_list(
                "week_start", "region_id", "n_visits", "soi_sum"
            )
        )
        assert {(week, region_id) for week, region_id, _n, _t, totals in regions if totals} == {
            (W11, store.region_id) for store in company
        }


@pytest.mark.parametrize("approved_only", [False, True])
def test_the_report_adds_the_region_and_company_figures_as_before(company, approved_only):
    scope = rollup_scope(approved_only)
    weeks = trend_weeks(W11)
    _own, regions = week_rollups(store_id=company[0].pk, scope=scope, weeks=weeks, week=W11)

    per_region, total = fold_area_totals((region, totals) for _w, region, _n, _t, totals in regions if totals)
    assert (per_region, total) == area_totals(scope=scope, weeks=[W11])
    assert len(per_region) == 2
    assert fold_means((w, region, n, t) for w, region, n, t, _ in regions) == mean_by_week_and_region(
        scope=scope, weeks=weeks
    )


@pytest.mark.parametrize("audience", [Audience.MANAGER, Audience.STAFF])
@pytest.mark.parametrize("approved_only", [False, True])
def test_the_report_shows_the_same_notes_in_the_same_order(company, audience, approved_only):
    for store in company:
        for week in (W10, W11, W12):
            assert notes_of(store=store, week_start=week, approved_only=approved_only, audience=audience) == (
                reference_notes(store, week, approved_only, audience)
            )
    shown = notes_of(store=company[0], week_start=W11, approved_only=approved_only, audience=audience)
    texts = {note.text for note in shown}
    assert "do not show" not in texts
    if audience is Audience.MANAGER:
        assert texts == {"friendly 0", "slow at the till (checked)"}
    else:
        assert "friendly 0" in texts
        assert ("busy 0" in texts) is not approved_only


@pytest.mark.parametrize("approved_only", [False, True])
def test_the_report_tests_changes_on_the_same_visit_scores(company, approved_only):
    weeks = [W10, W11, W12]
    found = visit_scores_by_week(stores=company, weeks=weeks, approved_only=approved_only)

    assert sorted_scores(found) == reference_visit_scores(company, weeks, approved_only)
    assert found[(company[0].pk, W11)]["greeting_rate"]
    assert visit_scores_by_week(stores=[], weeks=weeks, approved_only=approved_only) == {}


@pytest.mark.parametrize("approved_only", [False, True])
@pytest.mark.parametrize("weeks", [[W11], [W10, W11, W12]], ids=["one-week", "three-weeks"])
def test_the_standings_sum_the_same_rows_per_store(company, approved_only, weeks):
    scope = rollup_scope(approved_only)
    for store_id in (None, company[0].pk):
        sql, params = per_store_sums_sql(scope=scope, weeks=weeks, store_id=store_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            found = sorted(sorted(zip(names, row, strict=True)) for row in cursor.fetchall())
        expected = sorted(sorted(row.items()) for row in per_store_sums(scope=scope, weeks=weeks, store_id=store_id))
        assert found == expected
        assert len(found) == (1 if store_id else len(company))


def test_the_reports_band_with_the_same_rubrics(db):
    for version in (2, 3):
        Rubric.objects.create(version=version, greeting_weight=0.25, response_weight=0.35, oasis_min_soi=70 + version)
    found = rubrics_by_version()
    assert found == {rubric.version: rubric.params() for rubric in Rubric.objects.all()}
    assert list(found) == sorted(found, reverse=True)
    assert found[3].oasis_min_soi == 73.0
