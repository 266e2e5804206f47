"""A store manager never reads a single customer's stopwatch time: a median of seconds over fewer
than 5 timed customers (a mystery shopper's visit holds 1-3) is withheld from them, with the reason,
in English and German, on the page and in the JSON. Staff see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..reports.conftest import PERFECT, visit

pytestmark = pytest.mark.django_db

WEEK = {"week": "2026-W11"}
REASON = {
    "en": "Median seconds are shown only over at least 5 timed staff contacts",
    "de": "Mittlere Sekunden (Median) werden nur über mindestens 5 gemessene Personalkontakte gezeigt",
}


@pytest.fixture
def shopper_visit(store, shopper):
    # one visit, two customers greeted after PERFECT's seconds: two stopwatch times
    return visit(shopper, store, "2026-03-10 10:00", PERFECT, PERFECT)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_manager_reads_no_median_of_two_stopwatch_times_and_is_told_why(client, manager, shopper_visit, language):
    client.force_login(manager)
    page = client.get(
        reverse("reports:store", kwargs={"code": "ber-mitte"}), WEEK, headers={"accept-language": language}
    )
    assert page.status_code == 200
    assert REASON[language] in page.content.decode()
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()
    assert report["median_greeting_seconds"] is None
    assert report["seconds_withheld"] is True
    assert all(point["median_greeting_seconds"] is None for point in report["trend"])


def test_staff_read_the_median(client, supervisor, shopper_visit):
    client.force_login(supervisor)
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()
    assert report["median_greeting_seconds"] is not None
    assert report["seconds_withheld"] is False


def test_five_timed_customers_are_a_median_a_manager_may_read(client, manager, store, shopper, supervisor):
    visit(shopper, store, "2026-03-10 10:00", PERFECT, PERFECT)
    visit(supervisor, store, "2026-03-11 10:00", PERFECT, PERFECT, PERFECT)
    client.force_login(manager)
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()
    assert report["median_greeting_seconds"] is not None
    assert report["seconds_withheld"] is False
