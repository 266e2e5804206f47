"""With a broker, a rollup is refreshed by a task queued after commit, once per store-week burst."""

from __future__ import annotations

import pytest

from observations.models import RollupScope, StoreWeekRollup
from observations.tasks import rollup_refresh_key

from ..factories import submit_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def rollups_by_task(settings, eager_tasks):
    settings.OASIS_ROLLUPS_INLINE = False


def test_rollups_follow_committed_visits_through_the_task(
    rollups_by_task, shopper, store, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import rollups

    refreshed = []
    original = rollups.refresh_store_week
    monkeypatch.setattr(rollups, "refresh_store_week", lambda *args: refreshed.append(args) or original(*args))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = submit_visit(observer=shopper, store=store)
    assert not StoreWeekRollup.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    row = StoreWeekRollup.objects.get(store=store, week_start=first.week_start, scope=RollupScope.COUNTED)
    assert row.n_visits == 1
    assert refreshed == [(store.pk, first.week_start)]


def test_refreshes_of_the_same_store_week_coalesce(rollups_by_task, shopper, store, supervisor):
    from django.core.cache import cache

    from observations.tasks import queue_rollup_refresh

    visit = submit_visit(observer=supervisor, store=store)
    cache.add(rollup_refresh_key(store.pk, visit.week_start), 1, timeout=60)  # a refresh is already waiting
    queue_rollup_refresh(store.pk, visit.week_start)
    assert not StoreWeekRollup.objects.exists()  # it rides along with the waiting one
    cache.delete(rollup_refresh_key(store.pk, visit.week_start))
    queue_rollup_refresh(store.pk, visit.week_start)
    assert StoreWeekRollup.objects.get(scope=RollupScope.COUNTED, store=store).n_visits == 1
