"""A figure reads the same wherever it is shown: 62.25 is 62.3 on every page and file (the one
rounding, `scoring.round1`, half away from zero), never 62.2 as Python's round() or Django's
floatformat would make it (Python's round() and "%.1f" round the binary 62.25 to even; floatformat
rounds the float's text, so 62.25 reached by arithmetic on scores, 62.24999999999999, shows 62.2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coaching import selectors as coaching_selectors
from coaching.models import ActionPlan, Reason
from observations.models import Visit
from planning import coverage
from planning import selectors as planning_selectors
from planning.models import WaveStore
from reports.power import Effect
from reports.significance import Difference
from tests.factories import submit_visit
from tests.planning.conftest import make_wave

pytestmark = pytest.mark.django_db

W47 = dt.date(2026, 11, 16)
# 62.25 as arithmetic on scores leaves it: 50 + (71.24 - 58.99) == 62.24999999999999
COMPUTED_62_25 = 50 + (71.24 - 58.99)


@pytest.fixture
def wave(head_office, store):
    wave = make_wave(head_office, stores=[store])
    WaveStore.objects.update_or_create(
        wave=wave,
        store=store,
        defaults={
            "visits_needed": 4,
            "spread": 62.25,
            "store_n": 10,
            "region_n": 20,
            "company_n": 30,
            "reason": "precision",
            "would_need": 4,
            "expected_half_width": COMPUTED_62_25,
        },
    )
    return wave


@pytest.fixture
def coverage_of_62_25(monkeypatch, store):
    figures = coverage.StoreCoverage(
        needed=4,
        planned=4,
        upcoming=4,
        open=0,
        overdue=0,
        declined=0,
        done=0,
        mean_soi=62.25,
        half_width=62.25,
        target_half_width=10.0,
        expected_half_width=COMPUTED_62_25,
        risks=(),
    )
    row = planning_selectors.CoverageRow(store.code, store.name, store.region.code, 62.25, figures)
    monkeypatch.setattr(planning_selectors, "wave_coverage", lambda user, wave, today=None: [row])


def test_the_planning_csv_rounds_like_every_other_output(client, head_office, wave, coverage_of_62_25):
    client.force_login(head_office)
    response = client.get(reverse("planning:coverage", kwargs={"pk": wave.pk}), {"format": "csv"})
    header, row = response.content.decode().splitlines()[:2]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert (values["mean_soi"], values["half_width"], values["expected_half_width"]) == ("62.3", "62.3", "62.3")


def test_the_planning_coverage_table_rounds_like_every_other_output(client, head_office, wave, coverage_of_62_25):
    client.force_login(head_office)
    html = client.get(reverse("planning:coverage", kwargs={"pk": wave.pk})).content.decode()
    assert "<td>62.3</td><td>62.3</td>" in html  # precision reached, expected


def test_the_wave_page_rounds_the_spread_and_expected_precision_alike(client, head_office, wave):
    client.force_login(head_office)
    html = client.get(reverse("planning:wave", kwargs={"pk": wave.pk})).content.decode()
    assert html.count("<td>62.3</td>") == 2  # spread, expected precision
    assert "62.2" not in html


@pytest.fixture
def plan_with_effect(monkeypatch, store):
    plan = ActionPlan.objects.create(store=store, week_start=W47, reason=Reason.DESERT, focus="smile")
    week_after = W47 + dt.timedelta(weeks=2)
    effect = Effect(Difference(before=COMPUTED_62_25, after=74.49999999999999, n_before=1, n_after=1), None)
    item = coaching_selectors.PlanEffect("smile", (W47, W47), (week_after, week_after), effect)
    monkeypatch.setattr(coaching_selectors, "plan_effects", lambda plans, **kwargs: {p.pk: [item] for p in plans})
    relative = coaching_selectors.RelativeEffect(
        "smile",
        Difference(before=COMPUTED_62_25, after=74.49999999999999, n_before=3, n_after=1, low=-1.0, high=30.0),
    )
    monkeypatch.setattr(
        coaching_selectors, "relative_effects", lambda plans, **kwargs: {p.pk: [relative] for p in plans}
    )
    return plan


def test_the_plan_page_rounds_before_and_after_like_every_other_output(client, head_office, plan_with_effect):
    client.force_login(head_office)
    html = client.get(reverse("coaching:plan", kwargs={"pk": plan_with_effect.pk})).content.decode()
    assert "62.3 → 74.5" in html


def test_head_offices_plan_outcomes_round_the_mean_change_like_every_other_output(
    client, head_office, plan_with_effect
):
    client.force_login(head_office)
    html = client.get(reverse("coaching:plans")).content.decode()
    assert '<td class="num">+12.3</td>' in html  # 74.49999999999999 - 62.24999999999999 = 12.249999999999993


def test_the_review_queue_rounds_a_visits_soi_like_every_other_output(client, shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    Visit.objects.filter(pk=visit.pk).update(soi=COMPUTED_62_25)
    client.force_login(supervisor)
    html = client.get(reverse("review:queue")).content.decode()
    assert '<td class="num">62.3</td>' in html
