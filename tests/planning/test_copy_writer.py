"""The planning COPY writer (PostgreSQL) stores a wave's assignments as bulk_create stores them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from core.inserts import insert_rows, written_fields
from observations.models import Visit
from planning import services
from planning.models import Assignment, AssignmentStatus, DayType, TimeOfDay

from .conftest import WAVE_START, make_wave

pytestmark = pytest.mark.django_db


class _NotPostgreSQL:
    vendor = "sqlite"


def _assignments(wave, store, shoppers) -> list[Assignment]:
    return [
        Assignment(
            wave=wave,
            store=store,
            shopper=shopper,
            window_start=WAVE_START + dt.timedelta(days=7 * i),
            window_end=WAVE_START + dt.timedelta(days=7 * i + 4),
            day_type=DayType.WEEKDAY,
            time_of_day=TimeOfDay.MIDDAY,
            status=AssignmentStatus.ASSIGNED if shopper else AssignmentStatus.OPEN,
            locked=i == 0,
            reason={"code": "chosen", "free": i, "last_there": None, "ä": "ü"},
        )
        for i, shopper in enumerate([*shoppers, None])
    ]


def _stored(wave) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")}
        for row in Assignment.objects.filter(wave=wave).order_by("window_start").values()
    ]


def test_the_copy_writer_stores_every_column_as_bulk_create_does(monkeypatch, head_office, store, shoppers):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY writer runs on PostgreSQL only")
    copied_wave, created_wave = make_wave(head_office, stores=[store]), make_wave(head_office, stores=[store])
    before = timezone.now()
    services.insert_assignments(_assignments(copied_wave, store, shoppers))
    monkeypatch.setattr(services, "connection", _NotPostgreSQL())
    services.insert_assignments(_assignments(created_wave, store, shoppers))

    copied, created = _stored(copied_wave), _stored(created_wave)
    assert len(copied) == 4
    assert [{**row, "wave_id": None} for row in copied] == [{**row, "wave_id": None} for row in created]
    # the dates the ORM sets on save (auto_now_add, auto_now) are set by COPY too
    for row in Assignment.objects.filter(wave=copied_wave).values("created_at", "updated_at"):
        assert row["created_at"] >= before and row["updated_at"] >= before


def test_each_value_is_prepared_as_the_orms_insert_prepares_it(monkeypatch, head_office, store, shoppers):
    """Prepared once per distinct value, yet the same as field by field, row by row."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)  # the auto_now dates of both ways
    items = _assignments(make_wave(head_office, stores=[store]), store, shoppers) * 3
    fields = written_fields(Assignment)
    one_by_one = [[f.get_db_prep_save(f.pre_save(item, add=True), connection) for f in fields] for item in items]

    def comparable(value):
        return getattr(value, "obj", value)  # the JSON adapter compares by its document

    assert [[comparable(v) for v in row] for row in insert_rows(fields, items)] == [
        [comparable(v) for v in row] for row in one_by_one
    ]
    latitude = Visit._meta.get_field("latitude")
    rows = insert_rows([latitude], [Visit(latitude=0.0), Visit(latitude=-0.0), Visit(latitude=0.0)])
    assert [repr(value) for (value,) in rows] == ["0.0", "-0.0", "0.0"]  # -0.0 equals 0.0, yet stays itself
