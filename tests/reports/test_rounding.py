"""One rounding rule, half away from zero to one decimal, in the API, the CSV, the pages and the e-mails."""

from __future__ import annotations

import csv
import io
import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications import emails
from notifications.models import ReportDelivery, ReportKind
from observations.models import Visit
from observations.scoring import round1
from reports.rollups import rebuild_store

from ..factories import UserFactory
from .conftest import PERFECT, W11, visit


@pytest.mark.parametrize(
    ("value", "shown"),
    [(62.25, 62.3), (12.35, 12.4), (62.24, 62.2), (-0.25, -0.3), (2.675, 2.7), (0.05, 0.1), (100.0, 100.0),
     (100 / 7, 14.3), (1e-12, 0.0), (62.2499, 62.2), (62.24999999999999, 62.3)],
)  # fmt: skip
def test_figures_round_half_away_from_zero(value, shown):
    assert round1(value) == shown


@pytest.mark.django_db
def test_62_25_and_12_35_read_the_same_in_api_csv_page_and_email(api, client, store, shopper, head_office):
    recorded = visit(shopper, store, "2026-03-10 10:00", PERFECT)
    # Scores a visit could not get from one interaction, to land exactly on the halves.
    Visit.objects.filter(pk=recorded.pk).update(soi=62.25, greeting_score=12.35)
    rebuild_store(store.pk)
    manager = UserFactory(username="m-round", role="manager", stores=[store], email="m@r.example", language="de")

    api.force_authenticate(manager)
    url = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})
    body = api.get(url, {"week": "2026-W11"}).json()
    assert (body["soi"], body["greeting"]) == (62.3, 12.4)
    rows = list(csv.DictReader(io.StringIO(api.get(url, {"week": "2026-W11", "format": "csv"}).content.decode())))
    assert (rows[-1]["soi"], rows[-1]["greeting"]) == ("62.3", "12.4")

    client.force_login(manager)
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    english = client.get(page, {"week": "2026-W11"}, headers={"accept-language": "en"}).content.decode()
    german = client.get(page, {"week": "2026-W11"}, headers={"accept-language": "de"}).content.decode()
    for html, soi, greeting in [(english, "62.3", "12.4"), (german, "62,3", "12,4")]:
        assert f'<span class="soi-value">{soi}</span>' in html
        assert f'<td class="num">{greeting}</td>' in html
        assert '<td class="num">12.3</td>' not in html and '<td class="num">12,3</td>' not in html

    delivery = ReportDelivery.objects.create(
        kind=ReportKind.STORE_WEEKLY, store=store, week_start=W11, recipient=manager
    )
    message = emails.report_message(delivery)
    text, html = message.body, message.alternatives[0][0]
    assert "62,3" in text and "12,4" in text and "62,3" in html and "12,4" in html
    assert "62,2" not in text + html and "12,3" not in text + html


def exact_round1(value: float) -> float:
    """The rule written the slow way: the value at nine decimals, then half away from zero."""
    nine = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
    return float(nine.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


halves = st.builds(
    lambda tenths, sign, noise: sign * (tenths / 10 + 0.05) + noise,
    st.integers(0, 10**6),
    st.sampled_from([1, -1]),
    st.sampled_from([0.0, 1e-15, -1e-15, 1e-11, -1e-11, 4e-10, -4e-10, 6e-10, -6e-10, 1e-8, -1e-8, 2e-7, -2e-7]),
)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.floats(-1e12, 1e12), halves, st.floats(-200, 200)))
def test_the_quick_way_of_rounding_gives_the_very_float_of_the_exact_rule(value):
    expected = exact_round1(value)
    shown = round1(value)
    assert shown == expected and math.copysign(1, shown) == math.copysign(1, expected), value
