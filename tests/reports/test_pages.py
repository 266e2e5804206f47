"""The report pages: who reaches which, what they show, in English and German."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import COLD, MIXED, PERFECT, review, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def week11(store, other_store, shopper, supervisor, head_office):
    noted = visit(shopper, store, "2026-03-10 10:00", PERFECT, notes="Friendly, but the till queue was long.")
    review(noted, supervisor, "approve")  # managers read notes once reviewed
    visit(supervisor, store, "2026-03-12 16:00", MIXED, COLD)
    visit(head_office, other_store, "2026-03-10 10:00", COLD)
    visit(shopper, store, "2026-03-03 10:00", PERFECT)


def store_page(client, code="ber-mitte", language="en"):
    return client.get(
        reverse("reports:store", kwargs={"code": code}), {"week": "2026-W11"}, headers={"accept-language": language}
    )


def test_manager_sees_their_store_report_with_charts_and_anonymous_notes(client, manager, shopper, supervisor, week11):
    client.force_login(manager)
    response = store_page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Berlin Mitte" in html
    assert "68.6" in html  # the week's SOI
    assert "<svg" in html and "polyline" in html
    assert "Friendly, but the till queue was long." in html
    assert "from a visit" in html and "mystery shopper" not in html  # no kind of observer for managers
    # one visit last week: no call on the change, and n shown
    assert (
        "The Service Oasis Index: 68.6 after 100.0; too few visits to tell a real change "
        "(visits counted: 1 last week, 2 this week)." in html
    )
    assert "What to work on" in html
    for person in (shopper, supervisor):
        for identity in (person.username, person.email, person.first_name, person.last_name):
            assert identity not in html


def test_the_report_home_sends_a_manager_to_their_store(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:store", kwargs={"code": "ber-mitte"})


def test_the_report_home_sends_head_office_to_the_comparison(client, head_office):
    client.force_login(head_office)
    assert client.get(reverse("reports:home"))["Location"] == reverse("reports:branches")


def test_a_manager_gets_404_for_another_store_and_403_for_the_comparison(client, manager, week11):
    client.force_login(manager)
    assert store_page(client, "zrh-hb").status_code == 404
    assert client.get(reverse("reports:branches")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("reports:branches"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_store_report_in_german_formats_numbers_and_dates_for_the_locale(client, manager, week11):
    client.force_login(manager)
    response = store_page(client, language="de")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "68,6" in html
    assert "09.03.2026 – 15.03.2026" in html  # the week; a note's day is not shown to managers
    assert "Kalenderwoche 11, 2026" in html
    assert "aus einem Besuch" in html and "Mystery-Shopper" not in html
    assert (
        "Der Service-Oasis-Index: 68,6 nach 100,0; zu wenige Besuche, um eine echte Veränderung zu erkennen "
        "(gezählte Besuche: 1 letzte Woche, 2 diese Woche)." in html
    )
    assert "Woran wir arbeiten" in html
    # the SVG keeps its decimal points whatever the language
    assert 'points="' in html and "," in html.split('points="')[1].split('"')[0]


def test_branch_comparison_page_shows_table_heatmap_and_small_multiples(client, head_office, week11):
    client.force_login(head_office)
    response = client.get(reverse("reports:branches"), {"week": "2026-W11", "sort": "-hovering"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "League table" in html
    assert html.index("Berlin Mitte") < html.index("Zürich HB")
    assert 'class="heatmap"' in html and "heat-" in html
    assert html.count('class="chart sparkline"') == 2
    assert "/api/v1/reports/branches/?week=2026-W11&amp;sort=-hovering&amp;format=csv" in html


def test_supervisor_comparison_page_shows_only_their_region(client, supervisor, week11):
    client.force_login(supervisor)
    html = client.get(reverse("reports:branches"), {"week": "2026-W11"}).content.decode()
    assert "Berlin Mitte" in html
    assert "Zürich HB" not in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"week": "2026-W99"}, "week"),
        ({"region": "atlantis"}, "region"),
        ({"from": "2026-13-01", "to": "2026-W11"}, "from"),
    ],
)
def test_bad_parameters_on_a_page_get_a_400_naming_the_parameter(client, head_office, params, field):
    client.force_login(head_office)
    response = client.get(reverse("reports:branches"), params)
    assert response.status_code == 400
    assert f"“{field}”" in response.content.decode()


def test_the_comparison_page_shows_one_page_of_stores_with_company_wide_counts(
    client, head_office, week11, monkeypatch
):
    monkeypatch.setattr("reports.views.BRANCH_PAGE_SIZE", 1)
    client.force_login(head_office)
    first = client.get(reverse("reports:branches"), {"week": "2026-W11", "sort": "-hovering"}).content.decode()
    second = client.get(reverse("reports:branches"), {"week": "2026-W11", "sort": "-hovering", "page": "2"})
    second = second.content.decode()
    assert first.count('class="chart sparkline"') == 1 and second.count('class="chart sparkline"') == 1
    assert "Stores 1–1 of 2" in first and "Stores 2–2 of 2" in second
    assert '?week=2026-W11&amp;sort=-hovering&amp;page=2" rel="next"' in first
    assert '?week=2026-W11&amp;sort=-hovering&amp;page=1" rel="prev"' in second
    # the league table's first row is Berlin (best room to browse), the second page's is Zürich
    assert "Berlin Mitte</a>" in first.split("League table")[1].split("</table>")[0]
    assert "Zürich HB</a>" in second.split("League table")[1].split("</table>")[0]


@pytest.mark.parametrize("page", ["0", "99", "x", ""])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, head_office, week11, monkeypatch, page):
    monkeypatch.setattr("reports.views.BRANCH_PAGE_SIZE", 1)
    client.force_login(head_office)
    response = client.get(reverse("reports:branches"), {"week": "2026-W11", "page": page})
    assert response.status_code == 200
    assert response.content.decode().count('class="chart sparkline"') == 1
