"""History does not shift: a week is banded with the limits of the rubric its visits were scored
with (the latest, where several), in every output, and the trend chart shades each week with them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from observations.models import Rubric
from reports.models import StoreWeekRollup
from reports.rollups import rebuild_all

from .conftest import MIXED, W10, W11, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rubrics(store, head_office):
    """W10: a visit of SOI 60 scored with version 1 (steppe from 50). Then head office saves
    version 2 (desert below 65, oasis from 85), and W11 gets a visit of SOI 60 scored with it."""
    visit(head_office, store, "2026-03-03 10:00", MIXED)
    Rubric.objects.create(version=2, desert_below_soi=65, oasis_min_soi=85)
    visit(head_office, store, "2026-03-10 10:00", MIXED)


def bands(api, week: str) -> tuple[str, str, str]:
    url = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})
    store = api.get(url, {"week": week}).json()["band"]
    branch = api.get("/api/v1/reports/branches/", {"week": week}).json()["stores"][0]["band"]
    rows = list(csv.DictReader(io.StringIO(api.get(url, {"week": week, "format": "csv"}).content.decode())))
    return store, branch, rows[-1]["band"]


def test_a_new_rubric_leaves_the_bands_of_past_weeks_as_they_were(api, head_office, two_rubrics):
    api.force_authenticate(head_office)
    assert bands(api, "2026-W10") == ("steppe", "steppe", "steppe")
    assert bands(api, "2026-W11") == ("desert", "desert", "desert")


def test_the_week_before_keeps_its_band_in_the_later_weeks_report(api, head_office, two_rubrics):
    api.force_authenticate(head_office)
    report = api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).json()
    assert report["previous_week"]["band"] == "steppe"
    assert [point["band"] for point in report["trend"][-2:]] == ["steppe", "desert"]
    assert any("from steppe to desert" in sentence for sentence in report["changes"])


def steppe_rows(page: str) -> list[tuple[float, float]]:
    """(top, bottom) of the trend chart's steppe shading, week by week (SOI 0..100 on y 222..10)."""
    rects = re.findall(r'<rect class="zone zone-steppe" x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)"', page)

    def soi(y: float) -> float:
        return round((222 - y) / 212 * 100, 1)

    return [(soi(float(y)), soi(float(y) + float(height))) for y, height in rects]


def test_the_trend_chart_shades_each_week_with_the_limits_it_was_banded_with(client, head_office, two_rubrics):
    client.force_login(head_office)
    page = client.get(reverse("reports:store", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).content.decode()

    shading = steppe_rows(page)
    assert len(shading) == 12  # one column per week of the trend
    assert shading[-2] == (75.0, 50.0)  # W10: steppe from 50 to 75 (version 1)
    assert shading[-1] == (85.0, 65.0)  # W11: steppe from 65 to 85 (version 2)
    assert set(shading[:-2]) == {(85.0, 65.0)}  # weeks without visits: the report week's limits


def test_rollups_keep_the_latest_rubric_version_of_their_visits_through_a_rebuild(two_rubrics):
    def versions():
        return dict(StoreWeekRollup.objects.filter(scope="counted").values_list("week_start", "rubric_version"))

    assert versions() == {W10: 1, W11: 2}
    rebuild_all()
    assert versions() == {W10: 1, W11: 2}


def test_the_comparisons_small_trend_lines_draw_the_limits_the_week_was_banded_with(client, head_office, two_rubrics):
    client.force_login(head_office)
    page = client.get(reverse("reports:branches"), {"week": "2026-W11"}).content.decode()
    sparkline = re.search(r'<svg class="chart sparkline".*?</svg>', page, re.S).group(0)
    rules = [float(y) for y in re.findall(r'<line class="limit" [^>]*y1="([^"]+)"', sparkline)]
    # SOI 0..100 on y 30..2: version 2's limits (desert below 65, oasis from 85), not 50 and 75
    assert [round((30 - y) / 28 * 100, 1) for y in rules] == [65.0, 85.0]
