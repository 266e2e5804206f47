"""The report endpoints through the full stack: scoping, JSON shape, CSV and bad input."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from ..factories import UserFactory
from .conftest import COLD, MIXED, PERFECT, review, visit

pytestmark = pytest.mark.django_db


def weekly(code: str) -> str:
    return reverse("report-store-weekly", kwargs={"code": code})


BRANCHES = "/api/v1/reports/branches/"


@pytest.fixture
def week11(store, other_store, shopper, supervisor, head_office):
    noted = visit(
        shopper, store, "2026-03-10 10:00", PERFECT, notes="Greeted by name; asked where the fitting rooms are."
    )
    review(noted, supervisor, "approve")  # managers read notes once reviewed
    visit(supervisor, store, "2026-03-12 16:00", MIXED, COLD)
    visit(head_office, other_store, "2026-03-10 10:00", COLD)


def test_manager_reads_the_weekly_report_of_their_store(api, manager, week11):
    api.force_authenticate(manager)
    response = api.get(weekly("ber-mitte"), {"week": "2026-W11"})
    assert response.status_code == 200
    body = response.json()
    assert (body["store"], body["week"], body["week_start"], body["week_end"]) == (
        "ber-mitte",
        "2026-W11",
        "2026-03-09",
        "2026-03-15",
    )
    # no count of staff contacts for a manager, and no rates over 2 visits (reports.manager_view)
    assert (body["soi"], body["band"], body["n_visits"], body["n_interactions"]) == (68.6, "steppe", 2, None)
    assert (body["greeting_rate"], body["withheld"]) == (None, ["contacts", "rates"])
    assert (body["rank"], body["n_ranked"]) == (1, 2)
    assert body["response"] == 65.0
    assert body["comparison"]["company"]["n_visits"] == 3
    assert len(body["trend"]) == 12
    assert body["notes"] == [
        {
            "by": "from a visit",
            "observer_role": None,
            "week": "2026-W11",
            "interaction": None,
            "reviewed": True,
            "text": "Greeted by name; asked where the fitting rooms are.",
        }
    ]


def test_a_manager_gets_404_for_another_store(api, manager, week11):
    api.force_authenticate(manager)
    assert api.get(weekly("zrh-hb"), {"week": "2026-W11"}).status_code == 404
    assert api.get(weekly("no-such-store")).status_code == 404


def test_a_supervisor_gets_404_outside_their_regions(api, supervisor, week11):
    api.force_authenticate(supervisor)
    assert api.get(weekly("ber-mitte"), {"week": "2026-W11"}).status_code == 200
    assert api.get(weekly("zrh-hb"), {"week": "2026-W11"}).status_code == 404


def test_shoppers_read_no_reports(api, shopper, week11):
    api.force_authenticate(shopper)
    assert api.get(weekly("ber-mitte")).status_code == 404
    assert api.get(BRANCHES).status_code == 403


def test_managers_get_no_branch_comparison(api, manager):
    api.force_authenticate(manager)
    assert api.get(BRANCHES).status_code == 403


def test_anonymous_users_are_refused(api):
    assert api.get(BRANCHES).status_code in (401, 403)
    assert api.get(weekly("ber-mitte")).status_code in (401, 403)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_manager_never_sees_who_observed(api, manager, shopper, supervisor, week11, fmt):
    api.force_authenticate(manager)
    response = api.get(weekly("ber-mitte"), {"week": "2026-W11", "format": fmt})
    assert response.status_code == 200
    text = response.content.decode()
    for person in (shopper, supervisor):
        for identity in (person.username, person.email, person.first_name, person.last_name):
            assert identity not in text
        assert f'"id": {person.pk}' not in text and f'"observer": {person.pk}' not in text
    assert '"observer"' not in text


def test_branch_comparison_lists_stores_with_the_design_fields(api, head_office, week11):
    api.force_authenticate(head_office)
    body = api.get(BRANCHES, {"week": "2026-W11"}).json()
    assert body["week"] == "2026-W11"
    assert [row["store"] for row in body["stores"]] == ["ber-mitte", "zrh-hb"]
    row = body["stores"][0]
    for key in [
        "store",
        "name",
        "region",
        "soi",
        "band",
        "n_visits",
        "n_interactions",
        "ci_low",
        "ci_high",
        "shrunk_soi",
        "rank",
        "greeting",
        "smile",
        "hovering",
        "response",
        "greeting_rate",
        "smile_rate",
        "hovering_rate",
        "median_greeting_seconds",
        "median_response_seconds",
    ]:
        assert key in row
    assert row["greeting_rate"] == 66.7
    assert [region["region"] for region in body["regions"]] == ["north", "south"]


def test_supervisor_branch_comparison_covers_their_regions(api, supervisor, week11):
    api.force_authenticate(supervisor)
    body = api.get(BRANCHES, {"week": "2026-W11"}).json()
    assert [row["store"] for row in body["stores"]] == ["ber-mitte"]
    assert api.get(BRANCHES, {"week": "2026-W11", "region": "south"}).status_code == 404


def test_branch_csv_has_a_header_and_one_row_per_store(api, head_office, week11):
    api.force_authenticate(head_office)
    response = api.get(BRANCHES, {"week": "2026-W11", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="service-oasis-branches-2026-W11.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:8] == ["period", "store", "name", "region", "soi", "band", "n_visits", "n_interactions"]
    assert rows[0][-1] == "few_visits"
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["store"], first["soi"], first["band"], first["rank"], first["response"]) == (
        "ber-mitte",
        "68.6",
        "steppe",
        "1",
        "65.0",
    )
    second = dict(zip(rows[0], rows[2], strict=True))
    assert (second["store"], second["ci_low"], second["response"], second["few_visits"]) == ("zrh-hb", "", "", "true")


def test_csv_cells_that_look_like_formulas_are_defused(api, head_office, week11, store):
    store.name = '=HYPERLINK("http://evil")'
    store.save()
    api.force_authenticate(head_office)
    text = api.get(BRANCHES, {"week": "2026-W11", "format": "csv"}).content.decode()
    assert "'=HYPERLINK" in text


def test_store_csv_has_one_row_per_trend_week(api, manager, week11):
    api.force_authenticate(manager)
    response = api.get(weekly("ber-mitte"), {"week": "2026-W11", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["store", "week", "week_start", "soi", "band"]
    assert len(rows) == 13
    assert rows[-1][:5] == ["ber-mitte", "2026-W11", "2026-03-09", "68.6", "steppe"]
    assert response["Content-Disposition"] == 'attachment; filename="service-oasis-ber-mitte-2026-W11.csv"'


def test_head_office_may_count_only_approved_visits(api, head_office, supervisor, shopper, store, week11):
    review(visit(shopper, store, "2026-03-13 10:00", PERFECT), supervisor, "approve")
    api.force_authenticate(head_office)
    body = api.get(weekly("ber-mitte"), {"week": "2026-W11", "approved_only": "true"}).json()
    # the two approved perfect visits; the supervisor's submitted one does not count
    assert (body["approved_only"], body["n_visits"], body["soi"]) == (True, 2, 100.0)


def test_others_may_not_choose_which_visits_count(api, manager, week11):
    api.force_authenticate(manager)
    response = api.get(weekly("ber-mitte"), {"approved_only": "true"})
    assert response.status_code == 400
    assert response.json() == {"approved_only": "only head office may choose which visits count."}


def test_the_setting_counts_only_approved_visits_for_everyone(api, manager, week11, settings):
    settings.OASIS_REPORTS_APPROVED_ONLY = True
    api.force_authenticate(manager)
    body = api.get(weekly("ber-mitte"), {"week": "2026-W11"}).json()
    assert (body["approved_only"], body["n_visits"]) == (True, 1)  # the approved one of two


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"week": "2026-W99"}, "week"),
        ({"week": "2025-W53"}, "week"),
        ({"week": "last week"}, "week"),
        ({"from": "2026-02-30", "to": "2026-03-10"}, "from"),
        ({"from": "2026-03-10"}, "to"),
        ({"from": "2026-W11", "to": "2026-W09"}, "to"),
        ({"from": "2020-W01", "to": "2026-W09"}, "to"),
        ({"week": "2026-W11", "from": "2026-W10", "to": "2026-W11"}, "week"),
        ({"region": "atlantis"}, "region"),
        ({"sort": "shoe_size"}, "sort"),
        ({"approved_only": "maybe"}, "approved_only"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(api, head_office, params, field):
    api.force_authenticate(head_office)
    response = api.get(BRANCHES, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_bad_week_on_the_store_report_is_a_400_even_as_csv(api, manager, store):
    api.force_authenticate(manager)
    response = api.get(weekly("ber-mitte"), {"week": "2026-W99", "format": "csv"})
    assert response.status_code == 400
    assert response.json() == {"week": "2026-W99 is not a week of that year (weeks run 01 to 52 or 53)."}


def test_sorting_and_region_filter(api, head_office, week11):
    api.force_authenticate(head_office)
    body = api.get(BRANCHES, {"week": "2026-W11", "sort": "soi"}).json()
    assert [row["store"] for row in body["stores"]] == ["zrh-hb", "ber-mitte"]
    body = api.get(BRANCHES, {"week": "2026-W11", "region": "south"}).json()
    assert [row["store"] for row in body["stores"]] == ["zrh-hb"]


def test_a_date_range_is_reported_in_whole_weeks(api, head_office, week11):
    api.force_authenticate(head_office)
    body = api.get(BRANCHES, {"from": "2026-03-04", "to": "2026-W11"}).json()
    assert (body["week"], body["from"], body["to"]) == ("2026-W10/2026-W11", "2026-03-02", "2026-03-15")


def test_another_supervisor_is_a_stranger(api, week11, other_region):
    stranger = UserFactory(username="sup-south", role="supervisor", regions=[other_region])
    api.force_authenticate(stranger)
    assert api.get(weekly("ber-mitte")).status_code == 404


@pytest.mark.parametrize(
    "name",
    ['＝HYPERLINK("http://evil")', " =1+1", "\t=1+1", "  +1", " -1", " @SUM(A1)", "＋1", "－1", "＠A1", "\u3000=1"],
)
def test_csv_cells_that_a_spreadsheet_would_read_as_a_formula_are_defused(api, head_office, week11, store, name):
    store.name = name
    store.save()
    api.force_authenticate(head_office)
    rows = list(csv.reader(io.StringIO(api.get(BRANCHES, {"week": "2026-W11", "format": "csv"}).content.decode())))
    names = [dict(zip(rows[0], row, strict=True))["name"] for row in rows[1:]]
    assert "'" + name in names
