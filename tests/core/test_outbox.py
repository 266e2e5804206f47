"""Follow-up work goes through the outbox: recorded with the change, done once per kind and key."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import outbox
from core.models import OutboxItem
from observations.models import RollupScope
from observations.review import visit_review
from reports.models import StoreWeekRollup
from reports.tasks import ROLLUP_REFRESH

from ..factories import StoreFactory, submit_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("submissions_leave_rollups_to_the_outbox")]


@pytest.fixture
def with_broker(settings, monkeypatch):
    """The production mode: work is left to workers (kicks are recorded, not sent)."""
    settings.OASIS_OUTBOX_INLINE = False
    monkeypatch.setattr(outbox, "_next_kick", 0.0)  # no kick of an earlier test spaces this one's
    kicked: list[list[int]] = []
    monkeypatch.setattr(outbox, "kick", lambda ids: kicked.append(list(ids)))
    return kicked


@pytest.fixture
def refreshes(monkeypatch):
    from reports import rollups

    calls = []
    original = rollups.refresh_store_weeks

    def counted(pairs):
        calls.append(sorted(pairs))
        return original(calls[-1])

    monkeypatch.setattr(rollups, "refresh_store_weeks", counted)
    return calls


def counted_visits(store) -> int:
    row = StoreWeekRollup.objects.filter(store=store, scope=RollupScope.COUNTED).first()
    return row.n_visits if row else 0


def test_a_submission_records_its_rollup_refresh_for_a_worker(
    with_broker, shopper, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = submit_visit(observer=shopper, store=store)
    [item] = OutboxItem.objects.all()
    assert (item.kind, item.payload) == (ROLLUP_REFRESH, {"store": store.pk, "week": visit.week_start.isoformat()})
    assert with_broker == [[item.pk]]  # one kick, after the commit
    assert counted_visits(store) == 0  # nothing done on the request path

    assert outbox.run([item.pk]) == 1
    assert counted_visits(store) == 1
    assert not OutboxItem.objects.exists()


def test_many_visits_to_one_store_week_are_one_refresh(with_broker, refreshes, shopper, supervisor, store):
    for observer in (shopper, supervisor, supervisor):
        submit_visit(observer=observer, store=store)
    assert OutboxItem.objects.count() == 3

    assert outbox.run() == 1
    assert len(refreshes) == 1
    assert counted_visits(store) == 3
    assert not OutboxItem.objects.exists()


def test_visits_to_many_store_weeks_are_one_claim_and_one_refresh(with_broker, refreshes, shopper, store):
    other = StoreFactory(code="st-other", region=store.region)
    shopper.stores.add(other)
    first = submit_visit(observer=shopper, store=store)
    submit_visit(observer=shopper, store=other)
    submit_visit(observer=shopper, store=store)
    assert OutboxItem.objects.count() == 3

    assert outbox.run() == 1
    assert refreshes == [sorted([(store.pk, first.week_start), (other.pk, first.week_start)])]
    assert (counted_visits(store), counted_visits(other)) == (2, 1)
    assert not OutboxItem.objects.exists()


def test_a_store_week_that_fails_holds_up_only_its_own_rows(with_broker, monkeypatch, shopper, store):
    other = StoreFactory(code="st-other", region=store.region)
    shopper.stores.add(other)
    submit_visit(observer=shopper, store=store)
    submit_visit(observer=shopper, store=other)
    from reports import rollups

    original = rollups.refresh_store_weeks

    def broken_for_other(pairs):
        pairs = list(pairs)
        if any(store_id == other.pk for store_id, _week in pairs):
            raise RuntimeError("bad store-week")
        original(pairs)

    monkeypatch.setattr(rollups, "refresh_store_weeks", broken_for_other)
    outbox.run()
    assert counted_visits(store) == 1
    [left] = OutboxItem.objects.all()
    assert (left.payload["store"], left.attempts, left.last_error) == (other.pk, 1, "RuntimeError: bad store-week")


def test_kicks_are_spaced_and_the_next_kick_does_the_work_in_between(
    settings, monkeypatch, shopper, store, django_capture_on_commit_callbacks
):
    from core.tasks import run_outbox

    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK_SECONDS = 60
    monkeypatch.setattr(outbox, "_next_kick", 0.0)
    published = []
    monkeypatch.setattr(run_outbox, "apply_async", lambda *args, **kwargs: published.append(args))
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            submit_visit(observer=shopper, store=store)
    assert len(published) == 1  # the first commit kicked; the two after it within the interval did not

    run_outbox()  # the kick's task: everything due, the later commits' work included
    assert counted_visits(store) == 3
    assert not OutboxItem.objects.exists()


def test_work_recorded_while_a_run_is_under_way_waits_for_the_next_run(with_broker, monkeypatch, shopper, store):
    from reports import rollups

    submit_visit(observer=shopper, store=store)
    original = rollups.refresh_store_weeks
    arrived = []

    def refresh_while_another_visit_arrives(pairs):
        original(pairs)
        if not arrived:
            arrived.append(submit_visit(observer=shopper, store=store, minutes=30))

    monkeypatch.setattr(rollups, "refresh_store_weeks", refresh_while_another_visit_arrives)
    assert outbox.run() == 1  # one batch: the visit that arrived meanwhile is not claimed by this run
    assert OutboxItem.objects.count() == 1
    assert outbox.run() == 1
    assert counted_visits(store) == 2


def test_a_kick_for_done_work_does_nothing(with_broker, refreshes, shopper, store):
    submit_visit(observer=shopper, store=store)
    [item_id] = OutboxItem.objects.values_list("pk", flat=True)
    outbox.run()  # the sweep got there first
    assert outbox.run([item_id]) == 0
    assert len(refreshes) == 1


def test_a_review_records_a_refresh_of_the_visits_store_week(with_broker, shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    outbox.run()
    visit_review(visit=visit, reviewer=supervisor, decision="approve")
    [item] = OutboxItem.objects.all()
    assert item.key == f"{store.pk}:{visit.week_start.isoformat()}"
    outbox.run()
    assert StoreWeekRollup.objects.get(store=store, scope=RollupScope.APPROVED).n_visits == 1


def test_work_not_yet_due_waits(with_broker, shopper, store):
    submit_visit(observer=shopper, store=store)
    OutboxItem.objects.update(available_at=timezone.now() + dt.timedelta(minutes=5))
    assert outbox.run() == 0
    assert OutboxItem.objects.count() == 1


def test_failed_work_is_rolled_back_and_tried_again_later(with_broker, settings, monkeypatch, shopper, store):
    settings.OASIS_OUTBOX_SWEEP_SECONDS = 60
    submit_visit(observer=shopper, store=store)

    def half_done_then_broken(payload):
        StoreWeekRollup.objects.create(store=store, week_start=dt.date(2026, 1, 5), scope=RollupScope.COUNTED)
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(outbox._kinds, ROLLUP_REFRESH, outbox.Kind(ROLLUP_REFRESH, half_done_then_broken, True))
    before = timezone.now()
    assert outbox.run() == 1

    item = OutboxItem.objects.get()
    assert (item.attempts, item.last_error) == (1, "RuntimeError: database hiccup")
    assert item.available_at >= before + dt.timedelta(seconds=60)
    assert not StoreWeekRollup.objects.exists()  # what it wrote before failing is gone


def test_work_that_asks_to_be_retried_keeps_what_it_wrote(with_broker, monkeypatch, shopper, store):
    submit_visit(observer=shopper, store=store)

    def recorded_a_failure(payload):
        StoreWeekRollup.objects.create(store=store, week_start=dt.date(2026, 1, 5), scope=RollupScope.COUNTED)
        return False

    monkeypatch.setitem(outbox._kinds, ROLLUP_REFRESH, outbox.Kind(ROLLUP_REFRESH, recorded_a_failure, True))
    outbox.run()
    assert OutboxItem.objects.get().attempts == 1
    assert StoreWeekRollup.objects.count() == 1


def test_without_a_broker_the_work_is_done_within_the_submission(refreshes, settings, shopper, store):
    settings.OASIS_OUTBOX_INLINE = True
    submit_visit(observer=shopper, store=store)
    assert counted_visits(store) == 1
    assert len(refreshes) == 1
    assert not OutboxItem.objects.exists()


def test_a_kick_the_broker_refuses_is_logged_and_the_work_stays(settings, monkeypatch, caplog, shopper, store):
    from core.tasks import run_outbox

    settings.OASIS_OUTBOX_INLINE = False

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(run_outbox, "apply_async", refused)
    submit_visit(observer=shopper, store=store)
    with caplog.at_level(logging.WARNING, logger="core.outbox"):
        outbox.kick(list(OutboxItem.objects.values_list("pk", flat=True)))
    assert "left for the sweep" in caplog.text
    assert OutboxItem.objects.count() == 1


def test_work_of_an_unknown_kind_is_refused_when_recorded():
    with pytest.raises(LookupError):
        outbox.record(outbox.Work("no_such_kind", "1"))
