"""A wave that cannot be staffed says why and what would staff it, with numbers from the planner's
own assignment step run again in memory: each suggestion, applied and planned for real, staffs
what it said, and working the suggestions out writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from planning.models import Assignment, AssignmentStatus
from planning.services import wave_plan
from stores.models import Role
from tests.factories import UserFactory

from .conftest import WAVE_START, make_wave

pytestmark = pytest.mark.django_db


def staffed(wave) -> int:
    return Assignment.objects.filter(wave=wave, status=AssignmentStatus.ASSIGNED).count()


@pytest.fixture
def understaffed_wave(head_office, store, shoppers):
    """Six visits in four weeks of one store with three shoppers, a 30-day lockout: each shopper
    can go once."""
    wave = make_wave(head_office, stores=[store], fixed_visits=6, lockout_days=30)
    wave_plan(wave=wave, by=head_office)
    wave.refresh_from_db()
    return wave


def test_the_wave_keeps_why_visits_have_no_shopper(understaffed_wave):
    staffing = understaffed_wave.staffing
    assert (staffed(understaffed_wave), staffing["total"], staffing["missing"]) == (3, 6, 3)
    assert staffing["stores"] == [
        {
            "code": "ber-mitte",
            "name": "Berlin Mitte",
            "missing": 3,
            "visits": 6,
            "closed": False,
            "eligible": 3,
            "locked_out": 3,
            "at_capacity": 0,
        }
    ]


def test_the_shorter_lockout_suggested_staffs_what_it_says_when_planned(head_office, understaffed_wave):
    suggestion = understaffed_wave.staffing["lockout"][-1]
    assert suggestion["days"] < 30 and suggestion["all"]
    before = staffed(understaffed_wave)
    understaffed_wave.lockout_days = suggestion["days"]
    understaffed_wave.save()
    wave_plan(wave=understaffed_wave, by=head_office)
    assert staffed(understaffed_wave) == before + suggestion["more"] == 6


def test_the_shoppers_suggested_staff_what_they_say_when_they_exist(head_office, store, understaffed_wave):
    [suggestion] = understaffed_wave.staffing["shoppers"]
    assert (suggestion["region"], suggestion["count"], suggestion["capacity"], suggestion["all"]) == (
        "North",
        3,
        5,
        True,
    )
    for i in range(suggestion["count"]):
        UserFactory(username=f"new-{i}", role=Role.SHOPPER, stores=[store])
    wave_plan(wave=understaffed_wave, by=head_office)
    assert staffed(understaffed_wave) == 6


def test_the_longer_wave_suggested_staffs_what_it_says_when_planned(head_office, understaffed_wave):
    suggestion = understaffed_wave.staffing["window"]
    before = staffed(understaffed_wave)
    understaffed_wave.ends_on = dt.date.fromisoformat(suggestion["ends_on"])
    understaffed_wave.save()
    wave_plan(wave=understaffed_wave, by=head_office)
    assert (understaffed_wave.ends_on - understaffed_wave.starts_on).days + 1 == suggestion["days"]
    assert staffed(understaffed_wave) == before + suggestion["more"]


def test_working_out_the_suggestions_writes_no_assignment(understaffed_wave):
    assert Assignment.objects.filter(wave=understaffed_wave).count() == 6
    assert Assignment.objects.count() == 6


def test_a_fully_staffed_wave_says_nothing_about_staffing(client, head_office, store, shoppers):
    wave = make_wave(head_office, stores=[store], fixed_visits=3, lockout_days=30)
    wave_plan(wave=wave, by=head_office)
    wave.refresh_from_db()
    assert wave.staffing == {}
    client.force_login(head_office)
    assert "Why visits have no shopper" not in client.get(reverse("planning:wave", args=[wave.pk])).content.decode()


def test_the_wave_page_explains_an_unstaffable_wave_in_english_and_german(client, head_office, understaffed_wave):
    client.force_login(head_office)
    url = reverse("planning:wave", args=[understaffed_wave.pk])
    lockout = understaffed_wave.staffing["lockout"][-1]["days"]
    english = client.get(url).content.decode()
    assert "Why visits have no shopper" in english
    assert "3 of 6 visits have no shopper." in english
    assert (
        "Berlin Mitte: 3 of 6 visits without a shopper: 3 shoppers may record there; up to 3 of them within "
        "the 30-day lockout, 0 at their weekly capacity."
    ) in english
    assert f"A lockout of {lockout} days instead of 30 would staff all of them (3 more)." in english
    assert "3 more shoppers in North (5 visits a week each) would staff all visits there (3 more)." in english
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Warum Besuche keinen Shopper haben" in german
    assert "3 von 6 Besuchen haben keinen Shopper." in german
    assert f"Eine Sperrfrist von {lockout} statt 30 Tagen würde alle besetzen (3 mehr)." in german


def test_the_wave_api_gives_head_office_the_staffing_numbers_and_sentences(client, head_office, understaffed_wave):
    client.force_login(head_office)
    data = client.get(f"/api/v1/planning/waves/{understaffed_wave.pk}/").json()
    assert (data["staffing"]["missing"], data["staffing"]["total"]) == (3, 6)
    assert data["staffing"]["why"][0] == "3 of 6 visits have no shopper."
    assert data["staffing"]["would_help"]


def test_supervisors_are_not_told_about_other_regions_staffing(client, supervisor, understaffed_wave):
    client.force_login(supervisor)
    page = client.get(reverse("planning:wave", args=[understaffed_wave.pk])).content.decode()
    assert "Why visits have no shopper" not in page
    assert "staffing" not in client.get(f"/api/v1/planning/waves/{understaffed_wave.pk}/").json()


def test_a_visit_made_before_the_wave_counts_in_the_explanation(head_office, store, shoppers):
    """The shoppers' own history (a visit three days before) locks them out; the explanation says so."""
    from tests.factories import submit_visit

    def at(day):
        return dt.datetime.combine(day, dt.time(11), tzinfo=store.tzinfo)

    for person in shoppers:
        submit_visit(observer=person, store=store, started_at=at(WAVE_START - dt.timedelta(days=3)), now=at(WAVE_START))
    wave = make_wave(
        head_office, stores=[store], fixed_visits=1, lockout_days=30, ends_on=WAVE_START + dt.timedelta(days=6)
    )
    wave_plan(wave=wave, by=head_office)
    wave.refresh_from_db()
    assert wave.staffing["missing"] == 1
    assert wave.staffing["stores"][0]["locked_out"] == 3
    assert wave.staffing["lockout"][-1]["all"] and wave.staffing["lockout"][-1]["days"] < 3 + 5


def test_planning_the_stores_linked_by_shoppers_alone_gives_the_same_proposals_as_planning_all():
    """The alternatives are planned per group of stores linked by shoppers; that must not change a choice."""
    from planning import planner, staffing

    start = WAVE_START
    windows = planner.windows(start, start + dt.timedelta(days=27))
    ids = range(1, 13)
    shoppers = [
        planner.Shopper(100 + i, f"s{i}", 2, frozenset(s for s in ids if s % 3 == i % 3 and s % 2 == i % 2))
        for i in range(12)
    ]
    commitments = planner.Commitments()
    for i, shopper in enumerate(shoppers):
        for store_id in sorted(shopper.store_ids)[: i % 3]:
            commitments.add_period(shopper.id, store_id, start - dt.timedelta(days=i), start - dt.timedelta(days=i))
    setup = staffing.Setup(
        starts_on=start,
        ends_on=start + dt.timedelta(days=27),
        counts={s: 3 + s % 4 for s in ids},
        codes={s: f"st-{s:02d}" for s in ids},
        names={s: f"Store {s}" for s in ids},
        region_of={s: s % 2 for s in ids},
        taken={s: [] for s in ids},
        shoppers=shoppers,
        commitments=commitments,
        windows=dict.fromkeys(ids, windows),
    )
    everything = staffing.assign(setup, lockout_days=10)
    component = staffing.components(setup)
    assert len(set(component.values())) == 6
    for root in set(component.values()):
        linked = {s for s, r in component.items() if r == root}
        alone = staffing.assign(setup, lockout_days=10, stores=linked)
        assert sorted(alone, key=repr) == sorted((p for p in everything if p.store_id in linked), key=repr)


def test_the_explanation_worked_out_after_the_proposals_are_written_is_the_planners(
    client, head_office, understaffed_wave
):
    """The follow-up work sees the wave as planning saw it before writing its proposals."""
    from planning.models import Wave
    from planning.staffing import PENDING, explain_wave

    explained = understaffed_wave.staffing
    Wave.objects.filter(pk=understaffed_wave.pk).update(staffing=PENDING)
    client.force_login(head_office)
    page = client.get(reverse("planning:wave", args=[understaffed_wave.pk])).content.decode()
    assert "the planner is working out why and what would staff them" in page
    explain_wave({"wave": understaffed_wave.pk})
    understaffed_wave.refresh_from_db()
    assert understaffed_wave.staffing == explained
