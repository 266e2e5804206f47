"""A submission's reads in one statement (`observations.submission_reads`): the same store as
`observable_store` for every role, the same rubric as `Rubric.in_force`, and for shoppers the same
closest start as `closest_repeat_visit_start`."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from observations.models import Rubric, Visit
from observations.plausibility import REPEAT_WINDOW
from observations.selectors import closest_repeat_visit_start
from observations.submission_reads import submission_reads
from stores.selectors import observable_store

from ..factories import StoreFactory, UserFactory, submit_visit

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
CODES = ("ber-mitte", "zrh-hb", "ber-closed", "no-such-store")


def assert_reads_agree(user, code, started_at):
    visit_id = uuid.uuid4()
    reads = submission_reads(user, code, started_at=started_at, visit_id=visit_id)
    store = observable_store(user, code)
    assert (reads is None) == (store is None), (user.username, code)
    if reads is None:
        return
    assert model_to_dict(reads.store) == model_to_dict(store)
    assert reads.store.pk == store.pk and not reads.store._state.adding
    in_force = Rubric.in_force()
    assert reads.rubric.pk == in_force.pk and model_to_dict(reads.rubric) == model_to_dict(in_force)
    if user.role == "shopper":
        expected = closest_repeat_visit_start(
            observer_id=user.pk, store_id=store.pk, started_at=started_at, window=REPEAT_WINDOW, other_than=visit_id
        )
    else:
        expected = None
    assert reads.closest_start == expected


def test_the_reads_agree_with_the_three_lookups_for_every_role(
    head_office, supervisor, shopper, manager, store, other_store, region
):
    StoreFactory(code="ber-closed", region=region, is_active=False)
    gone = UserFactory(username="left-company", role="head_office", is_active=False)
    two_stores = UserFactory(username="shopper-two", stores=[store, other_store])
    for day in (-20, -13, -1, 2, 13):
        for observer, where in ((shopper, store), (two_stores, other_store), (supervisor, store)):
            submit_visit(
                observer=observer,
                store=where,
                started_at=START + dt.timedelta(days=day, minutes=1),
                now=START + dt.timedelta(days=31),
            )
    Rubric.objects.create(version=2, smile_weight=0.4, response_weight=0.1)
    for user in (head_office, supervisor, shopper, manager, gone, two_stores):
        for code in CODES:
            for day in (-30, -1, 0, 14):
                assert_reads_agree(user, code, START + dt.timedelta(days=day))
    reads = submission_reads(shopper, "ber-mitte", started_at=START, visit_id=uuid.uuid4())
    assert reads.rubric.version == 2
    assert reads.closest_start == START + dt.timedelta(minutes=1 - 24 * 60)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL only")
def test_a_shoppers_reads_are_one_query(shopper, store):
    Rubric.in_force()
    with CaptureQueriesContext(connection) as queries:
        submission_reads(shopper, store.code, started_at=START, visit_id=uuid.uuid4())
    assert len(queries) == 1


def test_without_a_rubric_version_one_is_made_as_in_force_does(shopper, store):
    Visit.objects.all().delete()
    Rubric.objects.all().delete()
    reads = submission_reads(shopper, store.code, started_at=START, visit_id=uuid.uuid4())
    assert reads.rubric.version == 1 and reads.rubric.pk is not None
