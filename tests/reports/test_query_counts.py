"""Reports cost a constant number of queries, whatever the number of stores."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.branches import branch_report
from reports.periods import Period
from reports.publication import Audience
from reports.store_report import store_weekly_report
from stores.models import Store

from ..factories import StoreFactory
from .conftest import MIXED, PERFECT, W11, visit

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[10, 100], ids=["10-stores", "100-stores"])
def stores(request, region, other_region, head_office):
    created = []
    for n in range(request.param):
        store = StoreFactory(code=f"q{n:03d}", region=region if n % 2 else other_region)
        visit(head_office, store, "2026-03-10 10:00", PERFECT, MIXED, notes=f"note {n}")
        visit(head_office, store, "2026-03-03 10:00", PERFECT)
        created.append(store)
    return created


def test_the_branch_report_makes_five_queries(stores, django_assert_num_queries):
    # rubric, stores, every store's rollups in the period, the table's trends, company trend
    with django_assert_num_queries(5):
        report = branch_report(stores=Store.objects.all(), period=Period(W11, W11), approved_only=False)
    assert len(report.stores) == len(stores)


def test_the_store_report_makes_seven_queries(stores, django_assert_num_queries):
    # rubric, the store's 12 weeks, every store's rollups of the week, region and company means per
    # week, visit notes, interaction notes, the visit scores of this week and the week before
    with django_assert_num_queries(7):
        report = store_weekly_report(store=stores[0], week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert report.n_ranked == len(stores)


def test_the_branch_endpoint_makes_a_constant_number_of_queries(api, stores, head_office, django_assert_num_queries):
    api.force_authenticate(head_office)
    # the report's five
    with django_assert_num_queries(5):
        response = api.get("/api/v1/reports/branches/", {"week": "2026-W11"})
    assert len(response.json()["stores"]) == len(stores)


def test_the_store_endpoint_makes_a_constant_number_of_queries(api, stores, head_office, django_assert_num_queries):
    api.force_authenticate(head_office)
    # the store (scoped) and the report's seven
    with django_assert_num_queries(8):
        response = api.get(reverse("report-store-weekly", kwargs={"code": stores[0].code}), {"week": "2026-W11"})
    assert response.json()["n_visits"] == 1
