"""Planning pages: head office plans, adjusts and publishes; supervisors read; managers and shoppers get 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import Assignment, Wave
from planning.services import wave_plan
from stores.models import Role
from tests.factories import UserFactory

from .conftest import WAVE_START, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned_wave(head_office, store, other_store, shoppers):
    wave = make_wave(head_office, stores=[store, other_store], fixed_visits=2)
    wave_plan(wave=wave, by=head_office)
    return wave


def test_head_office_creates_a_wave_from_the_form(client, head_office, region):
    client.force_login(head_office)
    response = client.post(
        reverse("planning:wave-new"),
        {
            "name": "Autumn",
            "starts_on": "2030-09-02",
            "ends_on": "2030-09-29",
            "regions": [region.pk],
            "target_kind": "precision",
            "target_half_width": "8",
            "min_visits": "2",
            "max_visits": "10",
            "lockout_days": "30",
        },
    )
    wave = Wave.objects.get(name="Autumn")
    assert response.status_code == 302
    assert (wave.target_half_width, list(wave.regions.all())) == (8.0, [region])


def test_a_wave_without_stores_is_refused_with_the_reason(client, head_office):
    client.force_login(head_office)
    data = {
        "name": "x",
        "starts_on": "2030-09-02",
        "ends_on": "2030-09-29",
        "target_kind": "precision",
        "target_half_width": "8",
        "min_visits": "2",
        "max_visits": "10",
        "lockout_days": "30",
    }
    response = client.post(reverse("planning:wave-new"), data)
    assert response.status_code == 400
    assert "choose at least one region or store." in response.content.decode()
    german = client.post(reverse("planning:wave-new"), data, HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 400
    assert "wählen Sie mindestens eine Region oder Filiale." in german.content.decode()


def test_the_wave_page_shows_each_stores_computation_and_each_choice(client, head_office, planned_wave):
    client.force_login(head_office)
    page = client.get(reverse("planning:wave", args=[planned_wave.pk])).content.decode()
    assert "fixed number of visits for the wave" in page
    assert "assumed (no history anywhere)" in page
    assert "may record here; 3 of 3 shoppers free" in page
    assert "no shopper may record for this store" in page  # zrh-hb has no shoppers


def test_head_office_adjusts_and_locks_an_assignment(client, head_office, planned_wave, shoppers):
    client.force_login(head_office)
    assignment = Assignment.objects.filter(wave=planned_wave, shopper__isnull=False).first()
    free = next(s for s in shoppers if not Assignment.objects.filter(wave=planned_wave, shopper=s).exists())
    response = client.post(
        reverse("planning:assignment", args=[planned_wave.pk, assignment.pk]),
        {
            "shopper": free.pk,
            "window_start": assignment.window_start,
            "window_end": assignment.window_end,
            "time_of_day": "evening",
            "locked": "on",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.shopper, assignment.time_of_day, assignment.locked) == (free, "evening", True)


def test_head_office_publishes_a_planned_wave(client, head_office, planned_wave):
    client.force_login(head_office)
    client.post(reverse("planning:wave-publish", args=[planned_wave.pk]))
    planned_wave.refresh_from_db()
    assert planned_wave.status == "published"


def test_the_coverage_page_highlights_stores_at_risk(client, head_office, planned_wave):
    client.force_login(head_office)
    page = client.get(reverse("planning:coverage", args=[planned_wave.pk])).content.decode()
    assert 'class="at-risk"' in page
    assert "an assignment has no shopper" in page


def test_the_coverage_page_makes_the_same_number_of_queries_for_more_stores(
    client, head_office, region, django_assert_num_queries
):
    from tests.factories import StoreFactory

    def wave_of(n):
        stores = [StoreFactory(code=f"q{n}-{i:03d}", region=region) for i in range(n)]
        wave = make_wave(head_office, stores=stores, fixed_visits=1, starts_on=WAVE_START)
        wave_plan(wave=wave, by=head_office)
        return wave

    client.force_login(head_office)
    small, large = wave_of(10), wave_of(100)
    client.get(reverse("planning:coverage", args=[small.pk]))  # session and user cached where they can be
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("planning:coverage", args=[small.pk]))
    # session and user (unless cached), the wave, its stores, assignments by status, declines, visits
    assert 5 <= len(queries) <= 7
    with django_assert_num_queries(len(queries)):
        client.get(reverse("planning:coverage", args=[large.pk]))


def test_a_supervisor_reads_but_cannot_plan(client, supervisor, planned_wave):
    client.force_login(supervisor)
    assert client.get(reverse("planning:wave", args=[planned_wave.pk])).status_code == 200
    assert client.get(reverse("planning:coverage", args=[planned_wave.pk])).status_code == 200
    assert client.post(reverse("planning:wave-plan", args=[planned_wave.pk])).status_code == 404
    assert client.get(reverse("planning:wave-new")).status_code == 404


@pytest.mark.parametrize("who", ["manager", "shopper"])
def test_managers_and_shoppers_find_no_planning_page(client, request, who, planned_wave):
    client.force_login(request.getfixturevalue(who))
    assignment = Assignment.objects.filter(wave=planned_wave).first()
    for url in (
        reverse("planning:waves"),
        reverse("planning:wave", args=[planned_wave.pk]),
        reverse("planning:coverage", args=[planned_wave.pk]),
        reverse("planning:coverage", args=[planned_wave.pk]) + "?format=csv",
        reverse("planning:assignment", args=[planned_wave.pk, assignment.pk]),
        reverse("planning:wave-new"),
    ):
        assert client.get(url).status_code == 404, url


def test_store_names_are_escaped_in_the_coverage_table(client, head_office, region, shoppers):
    from tests.factories import StoreFactory

    odd = StoreFactory(code="odd", name="<script>alert(1)</script>", region=region)
    wave = make_wave(head_office, stores=[odd], fixed_visits=1)
    wave_plan(wave=wave, by=head_office)
    client.force_login(head_office)
    page = client.get(reverse("planning:coverage", args=[wave.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("language", "assurance"), [("en", "with 90 % assurance"), ("de", "mit 90 % Sicherheit")])
def test_the_wave_page_says_the_visits_reach_the_target_with_ninety_percent_assurance(
    client, head_office, planned_wave, language, assurance
):
    client.force_login(head_office)
    page = client.get(reverse("planning:wave", args=[planned_wave.pk]), headers={"accept-language": language})
    assert assurance in page.content.decode()


def test_publishing_asks_first_with_the_number_of_assignments_and_shoppers(client, head_office, planned_wave):
    assigned = Assignment.objects.filter(wave=planned_wave).exclude(shopper=None)
    shoppers = assigned.values("shopper").distinct().count()
    client.force_login(head_office)
    page = client.get(reverse("planning:wave", args=[planned_wave.pk])).content.decode()
    assert f'data-confirm="Publish {assigned.count()} assignments to {shoppers} shoppers?' in page


def test_adjusting_an_assignment_offers_only_shoppers_allowed_in_its_store(
    client, head_office, planned_wave, shoppers, other_store
):
    elsewhere = UserFactory(username="shopper-elsewhere", role=Role.SHOPPER, stores=[other_store])
    client.force_login(head_office)
    assignment = Assignment.objects.filter(wave=planned_wave, store=shoppers[0].stores.get()).first()
    url = reverse("planning:assignment", args=[planned_wave.pk, assignment.pk])
    page = client.get(url).content.decode()
    assert all(f'value="{s.pk}"' in page for s in shoppers)
    assert f'value="{elsewhere.pk}"' not in page
    data = {
        "shopper": elsewhere.pk,
        "window_start": assignment.window_start,
        "window_end": assignment.window_end,
        "time_of_day": "evening",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
