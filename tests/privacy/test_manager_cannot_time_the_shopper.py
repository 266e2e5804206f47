"""A store manager never reads a single customer's stopwatch time, nor a rate over a handful of staff
contacts (reports.manager_view): rates and medians are shown from 5 visits a week on, a median over
at least 5 timed contacts, rates to the nearest 5 %, with the reason, in English and German, on the
page and in the JSON. Staff see every figure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.manager_view import on_step

from ..factories import interaction_input
from ..reports.conftest import PERFECT, visit

pytestmark = pytest.mark.django_db

WEEK = {"week": "2026-W11"}
REASON = {
    "en": "Rates and median seconds are shown from 5 visits a week on",
    "de": "Quoten und mittlere Sekunden (Median) werden ab 5 Besuchen in der Woche gezeigt",
}
SECONDS_REASON = "Median seconds are shown only over at least 5 timed staff contacts"
NOT_GREETED = interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False)
ASKED = interaction_input(asked=True, response_seconds=40, response_quality=5)


@pytest.fixture
def shopper_visit(store, shopper):
    # one visit, two customers greeted after PERFECT's seconds: two stopwatch times
    return visit(shopper, store, "2026-03-10 10:00", PERFECT, PERFECT)


def five_visits(store, shopper, *interactions):
    for day in range(9, 14):
        visit(shopper, store, f"2026-03-{day:02d} 10:00", *interactions)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_manager_reads_no_median_or_rate_of_two_contacts_and_is_told_why(client, manager, shopper_visit, language):
    client.force_login(manager)
    page = client.get(
        reverse("reports:store", kwargs={"code": "ber-mitte"}), WEEK, headers={"accept-language": language}
    )
    assert page.status_code == 200
    assert REASON[language] in page.content.decode()
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()
    assert (report["median_greeting_seconds"], report["greeting_rate"], report["n_interactions"]) == (None, None, None)
    assert report["seconds_withheld"] is True
    assert all(point["median_greeting_seconds"] is None for point in report["trend"])


def test_staff_read_the_median_the_rates_and_the_contacts(client, supervisor, shopper_visit):
    client.force_login(supervisor)
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()
    assert (report["median_greeting_seconds"], report["greeting_rate"], report["n_interactions"]) == (10.0, 100.0, 2)
    assert (report["seconds_withheld"], report["withheld"]) == (False, [])


def test_five_visits_with_five_timed_customers_are_a_median_a_manager_may_read(client, manager, store, shopper):
    # 5 visits of 2 customers greeted after 10 s, a sixth of 4 with 3 not greeted and 1 question: 11
    # timed greetings, 1 timed answer (too few to show)
    five_visits(store, shopper, PERFECT, PERFECT)
    visit(shopper, store, "2026-03-14 10:00", NOT_GREETED, NOT_GREETED, NOT_GREETED, ASKED)
    client.force_login(manager)
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), WEEK).json()
    assert report["median_greeting_seconds"] == 10.0
    assert report["median_response_seconds"] is None
    assert report["withheld"] == ["contacts", "seconds", "step"]
    # 11 of 14 greeted is 78.6 %: a manager reads 80
    assert report["greeting_rate"] == 80.0


@pytest.mark.parametrize(("rate", "shown"), [(78.57, 80.0), (77.49, 75.0), (77.5, 80.0), (2.4, 0.0), (12.5, 15.0)])
def test_rates_are_shown_to_managers_to_the_nearest_five_points(rate, shown):
    assert on_step(rate) == shown
