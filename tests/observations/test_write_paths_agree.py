"""The fast write path of a submission (one SQL statement on PostgreSQL) stores exactly what the
ORM path stores, and nothing the ORM would do on save is silently skipped by it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import OutboxItem
from observations import services
from observations.models import Interaction, Visit
from observations.services import visit_submit
from planning.models import Assignment
from tests.factories import interaction_input, visit_input

pytestmark = pytest.mark.django_db

FAST_WRITTEN = [Visit, Interaction, OutboxItem, Assignment]


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement submission runs on PostgreSQL only")


class _NotPostgreSQL:
    """Stands in for the connection in `observations.services`: the submission takes the ORM path."""

    vendor = "sqlite"


def _rows(visit_id) -> dict[str, list[dict]]:
    """Every stored column of the visit, its interactions and their audit rows (ids the database
    chose left out: they differ between two inserts of the same content)."""

    def without(rows, *keys):
        return [{k: v for k, v in row.items() if k not in keys} for row in rows]

    return {
        "visit": list(Visit.objects.filter(pk=visit_id).values()),
        "interactions": without(Interaction.objects.filter(visit_id=visit_id).order_by("position").values(), "id"),
        "visit_history": without(Visit.history.filter(id=visit_id).values(), "history_id"),
        "interaction_history": without(
            Interaction.history.filter(visit_id=visit_id).order_by("position").values(), "history_id", "id"
        ),
    }


def _forget(visit_id) -> None:
    """Remove every trace of the visit, so the same visit can be submitted again."""
    Visit.objects.filter(pk=visit_id).delete()
    Visit.history.filter(id=visit_id).delete()
    Interaction.history.filter(visit_id=visit_id).delete()
    OutboxItem.objects.all().delete()


def test_the_sql_statement_stores_a_visit_column_for_column_as_the_orm_does(
    postgresql_only, monkeypatch, shopper, store
):
    now = timezone.now().replace(microsecond=0)
    data = visit_input(
        started_at=now - dt.timedelta(hours=3),
        minutes=2,  # flagged: the flags are stored too
        notes="Busy Saturday; the till queue was long.",
        latitude=52.52,
        longitude=13.40,
        location_accuracy_m=12.0,
        interactions=[
            interaction_input(smile=4, notes="Kind"),
            interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=2),
            interaction_input(asked=True, response_seconds=75, response_quality=4, followed=True, special_request=True),
        ],
    )
    visit_submit(observer=shopper, store=store, data=data, now=now)
    by_statement = _rows(data.id)
    _forget(data.id)

    monkeypatch.setattr(services, "connection", _NotPostgreSQL())
    visit_submit(observer=shopper, store=store, data=data, now=now)
    by_orm = _rows(data.id)

    assert by_statement["visit"] and len(by_statement["interactions"]) == 3
    assert len(by_statement["visit_history"]) == 1 and len(by_statement["interaction_history"]) == 3
    for table in by_orm:
        assert by_statement[table] == by_orm[table], table


def test_the_sql_statement_writes_what_each_fields_pre_save_gives(postgresql_only, monkeypatch, shopper, store):
    """As an `auto_now` date or any field computing its value on save would."""
    notes = Interaction._meta.get_field("notes")
    monkeypatch.setattr(notes, "pre_save", lambda obj, add: obj.notes.upper())
    data = visit_input(interactions=[interaction_input(notes="quiet store")])
    visit_submit(observer=shopper, store=store, data=data)
    assert Interaction.objects.get(visit_id=data.id).notes == "QUIET STORE"
    assert Interaction.history.get(visit_id=data.id).notes == "QUIET STORE"


def foreign_receivers(signal, model) -> list:
    """The receivers of `signal` for `model` other than the audit trail's (django-simple-history):
    asked by sending the signal (raw, as fixtures load: simple-history writes nothing then)."""
    responses = signal.send(
        sender=model, instance=model(), raw=True, created=True, using=connection.alias, update_fields=None
    )
    return [
        receiver for receiver, _ in responses if not isinstance(getattr(receiver, "__self__", None), HistoricalRecords)
    ]


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
@pytest.mark.parametrize("model", FAST_WRITTEN, ids=lambda model: model.__name__)
def test_no_save_receiver_but_the_audit_trails_listens_to_the_fast_written_models(signal, model):
    # The submission statement and the planning COPY send no model signals: a receiver here
    # would run in the SQLite tests and never in production. Call a service instead.
    assert foreign_receivers(signal, model) == []


def test_a_receiver_connected_to_a_fast_written_model_is_noticed():
    def on_save(**kwargs):
        pass

    post_save.connect(on_save, sender=Visit, weak=False)
    try:
        assert foreign_receivers(post_save, Visit) == [on_save]
    finally:
        post_save.disconnect(on_save, sender=Visit)
