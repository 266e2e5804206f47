"""The SOI's second comparison in the report's family: the last four weeks against the eight before.
A lasting change is seen in every report for four weeks, over four times a week's visits; both SOI
comparisons are the family's gate by Holm, so that under no change at most 5 % of reports carry a call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reports.calls import RECENT, recent_samples
from reports.family import family_control
from reports.publication import Audience
from reports.significance import Difference
from reports.store_report import store_weekly_report
from reports.wording import describe_changes

from .conftest import COLD, MIXED, PERFECT, W11, visit


def called(p_values: dict[str, float]) -> set[str]:
    differences = {name: Difference(50.0, 60.0, 4, 4, 1.0, 19.0, p) for name, p in p_values.items()}
    return {name for name, d in family_control(differences).items() if d.meaningful}


def test_the_two_soi_comparisons_open_the_family_by_holm():
    # alone, the SOI at 0.03 would be called; with a second SOI comparison the smaller p must reach 0.025
    assert called({"soi": 0.03}) == {"soi"}
    assert called({"soi": 0.03, RECENT: 0.20, "smile": 0.001}) == set()
    # the last four weeks at 0.01 <= 0.025 open the gate; the week-on-week 0.20 > 0.05 stays steady;
    # behind the gate the behaviours by Holm (0.001 <= 0.05 / 2, then 0.06 > 0.05)
    assert called({"soi": 0.20, RECENT: 0.01, "smile": 0.001, "greeting": 0.06}) == {RECENT, "smile"}
    assert called({"soi": 0.04, RECENT: 0.02}) == {"soi", RECENT}  # 0.02 <= 0.025, then 0.04 <= 0.05


def test_the_last_four_weeks_and_the_eight_before_from_the_rollups_by_hand():
    # eight weeks of one visit at 50; four weeks of two visits, 70 and 90 (sum 160, squares 13000)
    weeks = [(1, 50.0, 2500.0)] * 8 + [(2, 160.0, 13000.0)] * 4
    earlier, recent = recent_samples([(3, 1.0, 1.0), *weeks])  # only the last twelve weeks count
    assert (earlier.n, earlier.mean, earlier.variance) == (8, 50.0, 0.0)
    # (4 * 13000 - 8 * 80^2) / 7 = 800 / 7
    assert (recent.n, recent.mean) == (8, 80.0)
    assert recent.variance == pytest.approx(800 / 7)
    assert recent_samples(weeks[1:]) is None  # fewer than twelve weeks


@pytest.fixture
def stepped_up(store, head_office):
    """Eight weeks of a cold and a mixed visit (SOI 14.3 and 60), then four of a perfect and a mixed
    one (100 and 60), the report's week W11 the last: week on week nothing moved."""
    for index in range(12):
        monday = W11 - dt.timedelta(weeks=11 - index)
        first = COLD if index < 8 else PERFECT
        for day, interaction in ((1, first), (2, MIXED)):
            visit(head_office, store, f"{monday + dt.timedelta(days=day)} 10:00", interaction)
    return store


@pytest.mark.django_db
def test_a_lasting_rise_is_called_over_the_last_four_weeks_while_week_on_week_is_steady(stepped_up, head_office):
    report = store_weekly_report(store=stepped_up, week_start=W11, approved_only=False, audience=Audience.STAFF)
    calls = {call.figure: call for call in report.change_calls}
    assert calls["soi"].difference.direction == "steady"
    assert (calls[RECENT].difference.n_before, calls[RECENT].difference.n_after) == (16, 8)
    assert calls[RECENT].difference.after == pytest.approx(80.0)
    assert calls[RECENT].tone == "good"
    lines = [str(line) for line in describe_changes(report)]
    assert (
        "Good news: Over the last four weeks the Service Oasis Index rose to 80.0, from 37.1 in the eight weeks "
        "before (visits counted: 16 before, 8 in the last four weeks)." in lines
    )


@pytest.mark.django_db
def test_the_page_and_the_api_say_it_alike_in_both_languages(stepped_up, head_office, api, client):
    api.force_authenticate(head_office)
    body = api.get(reverse("report-store-weekly", kwargs={"code": stepped_up.code}), {"week": "2026-W11"}).json()
    assert body["change_calls"][RECENT]["news"] == "good"
    assert (body["change_calls"][RECENT]["before"], body["change_calls"][RECENT]["after"]) == (37.1, 80.0)
    assert any(
        line.startswith("Over the last four weeks the Service Oasis Index rose to 80.0") for line in body["changes"]
    )
    client.force_login(head_office)
    page = reverse("reports:store", kwargs={"code": stepped_up.code})
    english = client.get(page, {"week": "2026-W11"}, headers={"accept-language": "en"}).content.decode()
    assert "Over the last four weeks the Service Oasis Index rose to 80.0, from 37.1" in english
    head_office.language = "de"
    head_office.save()
    german = client.get(page, {"week": "2026-W11"}, headers={"accept-language": "de"}).content.decode()
    assert "In den letzten vier Wochen ist der Service-Oasis-Index auf 80,0 gestiegen, von 37,1" in german
