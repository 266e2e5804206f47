"""Reports cost a constant number of queries, whatever the number of stores."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from reports import revisions
from reports.branches import branch_report
from reports.periods import Period
from reports.publication import Audience
from reports.store_report import store_weekly_report
from stores.models import Store

from ..factories import StoreFactory
from .conftest import MIXED, PERFECT, W11, visit

pytestmark = pytest.mark.django_db

AFTER_W11 = dt.datetime(2026, 3, 16, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # W11 published at 06:00


@pytest.fixture(params=[10, 100], ids=["10-stores", "100-stores"])
def stores(request, region, other_region, head_office):
    created = []
    for n in range(request.param):
        store = StoreFactory(code=f"q{n:03d}", region=region if n % 2 else other_region)
        visit(head_office, store, "2026-03-10 10:00", PERFECT, MIXED, notes=f"note {n}")
        visit(head_office, store, "2026-03-03 10:00", PERFECT)
        created.append(store)
    return created


def test_the_branch_report_makes_eight_queries(stores, django_assert_num_queries):
    # rubric, region-week rollups, the page ranked and ordered by the database with the table's band
    # counts and time zones, its regions, the page's stores, their rollups, their trends, the company trend
    with django_assert_num_queries(8):
        report = branch_report(stores=Store.objects.all(), period=Period(W11, W11), approved_only=False)
    assert len(report.stores) == len(stores)


def test_a_page_of_the_branch_report_makes_eight_queries(stores, django_assert_num_queries):
    with django_assert_num_queries(8):
        report = branch_report(
            stores=Store.objects.all(), period=Period(W11, W11), approved_only=False, page=2, page_size=7
        )
    # every store scores the same: all share rank 1, and ties go by store code
    assert report.page.number == 2
    assert [row.store.code for row in report.stores] == [f"q{n:03d}" for n in range(7, min(14, len(stores)))]
    assert {row.rank for row in report.stores} == {1}
    assert (report.page.paginator.count, report.n_ranked) == (len(stores), len(stores))


def test_the_store_report_makes_five_queries(stores, django_assert_num_queries):
    # rubric, the store's 12 weeks with the region-week rollups of those weeks, the store's standing,
    # the notes of its visits and their interactions, the visit scores of this week and the week before
    with django_assert_num_queries(5):
        report = store_weekly_report(store=stores[0], week_start=W11, approved_only=False, audience=Audience.STAFF)
    assert report.n_ranked == len(stores)


def test_a_managers_report_of_a_published_week_makes_five_queries(stores, django_assert_num_queries):
    # As published (reports.revisions): the company's time zones (is the week published everywhere?),
    # rubric, the store's 12 published weeks with their notes and visit scores, their sums with the
    # published region-weeks, the store's standing among the published weeks.
    revisions.publish([(store.pk, W11) for store in stores], now=AFTER_W11)
    with django_assert_num_queries(5):
        report = store_weekly_report(
            store=stores[0], week_start=W11, approved_only=False, audience=Audience.MANAGER, now=AFTER_W11
        )
    assert (report.n_ranked, report.figures.n_visits, report.previous.n_visits) == (len(stores), 1, 1)
    assert report.region.n_visits == len(stores) // 2


def test_the_branch_endpoint_makes_a_constant_number_of_queries(api, stores, head_office, django_assert_num_queries):
    api.force_authenticate(head_office)
    # the report's eight, for every store as for a page of them
    with django_assert_num_queries(8):
        response = api.get("/api/v1/reports/branches/", {"week": "2026-W11"})
    assert len(response.json()["stores"]) == len(stores)
    with django_assert_num_queries(8):
        response = api.get("/api/v1/reports/branches/", {"week": "2026-W11", "page": "1"})
    assert len(response.json()["stores"]) == min(len(stores), 100)


def test_the_branch_endpoint_lists_every_store_unless_a_page_is_asked_for(api, region, head_office):
    for n in range(105):
        store = StoreFactory(code=f"p{n:03d}", region=region)
        visit(head_office, store, "2026-03-10 10:00", PERFECT)
    api.force_authenticate(head_office)

    every = api.get("/api/v1/reports/branches/", {"week": "2026-W11"}).json()
    first = api.get("/api/v1/reports/branches/", {"week": "2026-W11", "page": "1"}).json()
    second = api.get("/api/v1/reports/branches/", {"week": "2026-W11", "page": "2"}).json()

    assert (len(every["stores"]), every["n_stores"], every["pages"]) == (105, 105, 1)
    assert (len(first["stores"]), first["page"], first["pages"]) == (100, 1, 2)
    assert len(second["stores"]) == 5
    assert [row["store"] for row in first["stores"] + second["stores"]] == [row["store"] for row in every["stores"]]


def test_the_store_endpoint_makes_a_constant_number_of_queries(api, stores, head_office, django_assert_num_queries):
    api.force_authenticate(head_office)
    # the store (scoped) and the report's five
    with django_assert_num_queries(6):
        response = api.get(reverse("report-store-weekly", kwargs={"code": stores[0].code}), {"week": "2026-W11"})
    assert response.json()["n_visits"] == 1


def test_a_page_past_the_last_shows_the_last_page_with_one_more_query(stores, django_assert_num_queries):
    with django_assert_num_queries(9):
        report = branch_report(
            stores=Store.objects.all(), period=Period(W11, W11), approved_only=False, page=999, page_size=7
        )
    assert report.page.number == report.page.paginator.num_pages
    assert [row.store.code for row in report.stores] == [store.code for store in stores][(report.page.number - 1) * 7 :]


def test_a_page_number_of_a_hundred_digits_shows_the_last_page(stores, client, head_office):
    client.force_login(head_office)
    response = client.get("/reports/branches/", {"week": "2026-W11", "page": "9" * 100})
    assert response.status_code == 200


@pytest.fixture
def managed_week(store, shopper, supervisor):
    """Six visits in W11 (rates, medians and evidence shown to a manager, on the step) and one in W10."""
    for day in range(9, 15):
        visit(shopper if day % 2 else supervisor, store, f"2026-03-{day:02d} 10:00", PERFECT, MIXED)
    visit(shopper, store, "2026-03-03 10:00", MIXED)


def test_a_managers_store_report_costs_no_query_for_what_it_withholds(
    client, api, managed_week, manager, supervisor, django_assert_num_queries
):
    """What a manager may see (reports.manager_view) is decided on the figures read already. The
    endpoint: the store's query and the report's five, and for a manager the time zones of the
    company's stores (when region and company figures reach them) and the week's copies as published
    (reports.revisions: none here, so the live rollups are read); the page with its week picker, what
    to work on and the week's plan: 14, and the same two more for a manager (as without the manager's
    view)."""
    url = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    # The page reads the session from the database, unless Redis holds it (cached_db: CI's PostgreSQL run).
    session_read = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    for user, endpoint, html in ((manager, 8, 15 + session_read), (supervisor, 6, 13 + session_read)):
        api.force_authenticate(user)
        with django_assert_num_queries(endpoint):
            response = api.get(url, {"week": "2026-W11"})
        assert response.json()["n_visits"] == 6
        client.force_login(user)
        with django_assert_num_queries(html):
            assert client.get(page, {"week": "2026-W11"}).status_code == 200
    api.force_authenticate(manager)
    assert api.get(url, {"week": "2026-W11"}).json()["greeting_rate"] == 100.0
