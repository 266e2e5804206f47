"""Reports are served from a cache until a rollup they read changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from observations.services import visit_review

from ..factories import submit_visit

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def visit_in_w47(observer, store, day: int):
    return submit_visit(
        observer=observer,
        store=store,
        started_at=dt.datetime(2026, 11, day, 10, 0, tzinfo=BERLIN),
        now=dt.datetime(2026, 11, day, 12, 0, tzinfo=BERLIN),
    )


@pytest.fixture
def head_client(head_office):
    client = APIClient()
    client.force_authenticate(head_office)
    return client


def n_visits(client, url_name: str, **kwargs) -> int:
    response = client.get(reverse(url_name, **kwargs), {"week": "2026-W47"})
    assert response.status_code == 200
    data = response.json()
    return data["company"]["n_visits"] if "stores" in data else data["n_visits"]


def test_a_new_visit_shows_at_once_in_a_cached_branch_report(
    head_client, shopper, supervisor, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit_in_w47(shopper, store, 17)
    assert n_visits(head_client, "report-branches") == 1
    with django_capture_on_commit_callbacks(execute=True):
        visit_in_w47(supervisor, store, 18)
    assert n_visits(head_client, "report-branches") == 2


def test_a_rejection_shows_at_once_in_a_cached_store_report(
    head_client, shopper, supervisor, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_in_w47(shopper, store, 17)
        visit_in_w47(supervisor, store, 18)
    kwargs = {"kwargs": {"code": "ber-mitte"}}
    assert n_visits(head_client, "report-store-weekly", **kwargs) == 2
    with django_capture_on_commit_callbacks(execute=True):
        visit_review(visit=visit, reviewer=supervisor, decision="reject", note="Not verifiable")
    assert n_visits(head_client, "report-store-weekly", **kwargs) == 1


def test_a_repeated_report_costs_no_report_queries(
    head_client, shopper, store, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit_in_w47(shopper, store, 17)
    n_visits(head_client, "report-branches")
    with django_assert_num_queries(0):  # force_authenticate needs no query; the report comes from the cache
        n_visits(head_client, "report-branches")


def test_a_supervisors_table_is_not_served_to_head_office(
    head_client, supervisor, shopper, store, other_store, django_capture_on_commit_callbacks
):
    from ..factories import UserFactory

    zurich_shopper = UserFactory(username="shopper-zh", stores=[other_store])
    with django_capture_on_commit_callbacks(execute=True):
        visit_in_w47(shopper, store, 17)
        visit_in_w47(zurich_shopper, other_store, 17)
    supervisor_client = APIClient()
    supervisor_client.force_authenticate(supervisor)
    mine = supervisor_client.get(reverse("report-branches"), {"week": "2026-W47"}).json()
    everything = head_client.get(reverse("report-branches"), {"week": "2026-W47"}).json()
    assert [row["store"] for row in mine["stores"]] == ["ber-mitte"]
    assert sorted(row["store"] for row in everything["stores"]) == ["ber-mitte", "zrh-hb"]


def test_a_visit_in_an_earlier_week_shows_at_once_in_the_trend_of_a_cached_later_report(
    head_client, shopper, store, django_capture_on_commit_callbacks
):
    url = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})

    def w45_visits() -> int:
        trend = head_client.get(url, {"week": "2026-W47"}).json()["trend"]
        return next(point["n_visits"] for point in trend if point["week"] == "2026-W45")

    assert w45_visits() == 0
    with django_capture_on_commit_callbacks(execute=True):
        submit_visit(
            observer=shopper,
            store=store,
            started_at=dt.datetime(2026, 11, 3, 10, 0, tzinfo=BERLIN),  # Tuesday of W45
            now=dt.datetime(2026, 11, 3, 12, 0, tzinfo=BERLIN),
        )
    assert w45_visits() == 1
