"""The outbox (now core's) and the store-week rollups (now reports') moved app without losing a row:
a database migrated before the move, holding pending work and rollups, has them all afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import OutboxItem
from reports.models import StoreWeekRollup

BEFORE_THE_MOVES = [
    ("observations", "0015_decision_keeps_reviewed_text"),
    ("reports", "0002_fill_region_week_rollups"),
    ("core", None),
]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def test_moved_models_keep_every_row_and_their_content_types():
    try:
        old = _migrate(BEFORE_THE_MOVES)
        region = old.get_model("stores", "Region").objects.create(code="north", name="North")
        store = old.get_model("stores", "Store").objects.create(code="s1", name="One", region=region, city="Kiel")
        old.get_model("observations", "StoreWeekRollup").objects.create(
            store=store,
            week_start=dt.date(2026, 11, 16),
            scope="counted",
            n_visits=3,
            soi_sum=210.0,
            soi_sum_squares=14900.0,
            greeting_seconds=[5, 12, 40],
            rubric_version=1,
        )
        old.get_model("observations", "OutboxItem").objects.create(
            kind="rollup_refresh", key=f"{store.pk}:2026-11-16", payload={"store": store.pk, "week": "2026-11-16"}
        )
        types = old.get_model("contenttypes", "ContentType").objects
        for model in ("outboxitem", "storeweekrollup"):
            types.get_or_create(app_label="observations", model=model)
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())

    [rollup] = StoreWeekRollup.objects.all()
    assert (rollup.store.code, rollup.week_start, rollup.scope, rollup.n_visits) == ("s1", dt.date(2026, 11, 16), "counted", 3)
    assert (rollup.soi_sum, rollup.soi_sum_squares, rollup.greeting_seconds) == (210.0, 14900.0, [5, 12, 40])
    [work] = OutboxItem.objects.all()
    assert (work.kind, work.payload) == ("rollup_refresh", {"store": rollup.store_id, "week": "2026-11-16"})
    assert (StoreWeekRollup._meta.db_table, OutboxItem._meta.db_table) == ("reports_storeweekrollup", "core_outboxitem")
    moved = ContentType.objects.filter(model__in=["outboxitem", "storeweekrollup"])
    assert sorted(moved.values_list("app_label", "model")) == [("core", "outboxitem"), ("reports", "storeweekrollup")]
