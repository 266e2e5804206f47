"""Lists and writes cost a fixed number of queries, however much data there is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ..factories import StoreFactory, submit_visit
from .conftest import as_user, visit_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n_visits", [5, 50])
def test_the_visit_list_costs_two_queries(django_assert_num_queries, supervisor, shopper, store, n_visits):
    for _ in range(n_visits):
        submit_visit(observer=supervisor, store=store)
    client = as_user(supervisor)
    # the page of visits with store, region, observer, reviewer and rubric joined; their interactions;
    # (force_authenticate: no session or token lookup)
    with django_assert_num_queries(2):
        response = client.get(reverse("visit-list"), {"page_size": 100})
    assert len(response.json()["results"]) == n_visits


@pytest.mark.parametrize("n_stores", [10, 100])
def test_me_and_stores_cost_the_same_for_10_and_100_stores(django_assert_num_queries, head_office, region, n_stores):
    for n in range(n_stores):
        StoreFactory(code=f"st-{n:03d}", region=region)
    client = as_user(head_office)
    with django_assert_num_queries(1):  # the stores with their regions
        assert len(client.get(reverse("me")).json()["stores"]) == n_stores
    with django_assert_num_queries(1):  # the same, for the list
        assert len(client.get(reverse("store-list")).json()) == n_stores


def test_creating_a_visit_costs_a_fixed_number_of_queries(django_assert_num_queries, shopper, store):
    client = as_user(shopper)
    body = visit_body(interactions=[visit_body()["interactions"][0]] * 10)
    # on PostgreSQL the store (scoped), the rubric and the repeat-visit check in one statement
    # (elsewhere three queries); savepoint; on PostgreSQL one statement
    # writing the visit, its history row, all interactions, their history rows and the visit's
    # share of its store-week's and region-week's rollups (no follow-up work: nothing in the
    # outbox); release. Elsewhere: insert visit, its history row, one bulk insert of the
    # interactions, one of their history rows, the outbox row; without a broker that work is done
    # at once: claim the row and others of its store-week, savepoint, the rollup refresh (savepoint,
    # store lock, the store-week's seconds before, delete, a read of the visits and of the
    # interactions and an insert; the seconds after; the region-week: region lock, its rollup
    # read, its stores' sums, its rollup written; release), release, delete the row; release.
    # The answer is built from what was just written.
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 29):
        assert client.post(reverse("visit-list"), body, format="json").status_code == 201


def test_with_a_broker_a_submission_records_its_follow_up_work_in_its_own_statement(
    django_assert_num_queries, settings, shopper, store
):
    settings.OASIS_OUTBOX_INLINE = False
    client = as_user(shopper)
    body = visit_body(interactions=[visit_body()["interactions"][0]] * 10)
    # the store (scoped), the rubric and the repeat-visit check (on PostgreSQL one statement,
    # elsewhere three queries); then on PostgreSQL the one statement writing
    # the visit, the interactions, their history rows and the rollups (within a savepoint here,
    # because the test runs in a transaction; on its own in production, without BEGIN and COMMIT);
    # elsewhere savepoint, visit, its history row, interactions, their history rows, outbox row,
    # release. The broker is not asked before the commit (the kick runs after it).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 10):
        assert client.post(reverse("visit-list"), body, format="json").status_code == 201
