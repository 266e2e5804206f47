"""The rubric in force is cached (every submission asks for it), and a new version still scores
the next visit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from observations.models import Rubric

from ..factories import submit_visit

pytestmark = pytest.mark.django_db(transaction=True)  # committed, as in production: the cache is used


def test_the_rubric_in_force_is_read_from_the_database_once():
    Rubric.in_force()
    with CaptureQueriesContext(connection) as queries:
        assert Rubric.in_force().version == 1
    assert len(queries) == 0


def test_a_new_rubric_version_scores_the_very_next_visit(shopper, store):
    first = submit_visit(observer=shopper, store=store)
    assert first.rubric.version == 1
    Rubric.objects.create(version=2, smile_weight=0.4, response_weight=0.1)  # from now on

    second = submit_visit(observer=shopper, store=store)

    assert second.rubric.version == 2
