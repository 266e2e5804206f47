"""Holiday-aware planning: no visit is planned on a public holiday of the store's country and
subdivision, on a company closed day or on a weekday the store is closed; the wave page and its API
list the days skipped and why, in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from planning import planner
from planning.inputs import store_closures
from planning.models import Assignment
from planning.services import PlanningError, assignment_adjust, wave_plan
from stores.calendar import HOLIDAY, WEEKDAY, OpeningCalendar
from stores.models import ClosedDay, Role
from tests.factories import StoreFactory, UserFactory

from .conftest import make_wave

pytestmark = pytest.mark.django_db

CHRISTMAS_MONDAY = dt.date(2030, 12, 16)  # a wave over Christmas and New Year
CORPUS_CHRISTI_2030 = dt.date(2030, 6, 20)  # a Thursday: a holiday in Bavaria, not in Hamburg


def days_of(assignment) -> set[dt.date]:
    return {
        assignment.window_start + dt.timedelta(days=i)
        for i in range((assignment.window_end - assignment.window_start).days + 1)
    }


@pytest.fixture
def bavaria_and_hamburg(region):
    munich = StoreFactory(
        code="muc-ma", name="München Marienplatz", region=region, subdivision="BY", closed_weekdays="7"
    )
    hamburg = StoreFactory(code="ham-mo", name="Hamburg Mö", region=region, subdivision="HH", closed_weekdays="7")
    shoppers = [UserFactory(username=f"shopper-{i}", role=Role.SHOPPER, stores=[munich, hamburg]) for i in range(6)]
    return munich, hamburg, shoppers


def test_a_window_keeps_its_longest_run_of_open_days_and_a_weekend_without_one_is_dropped():
    weeks = planner.windows(dt.date(2030, 12, 23), dt.date(2030, 12, 29))  # Mon 23 .. Sun 29
    closed = {dt.date(2030, 12, 25), dt.date(2030, 12, 26), dt.date(2030, 12, 28), dt.date(2030, 12, 29)}
    assert [(w.day_type, w.start, w.end) for w in planner.open_windows(weeks, closed)] == [
        ("weekday", dt.date(2030, 12, 23), dt.date(2030, 12, 24)),  # Mon-Tue before the two holidays
    ]
    # a holiday in the middle: the longer part (Mon-Wed) rather than Friday alone
    june = planner.windows(dt.date(2030, 6, 17), dt.date(2030, 6, 21))
    assert [(w.start, w.end) for w in planner.open_windows(june, {CORPUS_CHRISTI_2030})] == [
        (dt.date(2030, 6, 17), dt.date(2030, 6, 19))
    ]


def test_corpus_christi_closes_bavaria_but_not_hamburg():
    bavaria = OpeningCalendar("DE", "BY").closures(CORPUS_CHRISTI_2030, CORPUS_CHRISTI_2030, language="en")
    hamburg = OpeningCalendar("DE", "HH").closures(CORPUS_CHRISTI_2030, CORPUS_CHRISTI_2030, language="en")
    assert bavaria[CORPUS_CHRISTI_2030].kind == HOLIDAY
    assert bavaria[CORPUS_CHRISTI_2030].name == "Corpus Christi"
    assert hamburg == {}


def test_holiday_names_come_in_the_readers_language_and_sundays_as_closed_weekdays():
    calendar = OpeningCalendar("DE", "HH", frozenset({7}))
    english = calendar.closures(dt.date(2030, 12, 25), dt.date(2030, 12, 29), language="en")
    german = calendar.closures(dt.date(2030, 12, 25), dt.date(2030, 12, 29), language="de")
    assert english[dt.date(2030, 12, 25)].name == "Christmas Day"
    assert german[dt.date(2030, 12, 25)].name == "Erster Weihnachtstag"
    assert german[dt.date(2030, 12, 26)].name == "Zweiter Weihnachtstag"
    assert english[dt.date(2030, 12, 29)].kind == WEEKDAY  # a Sunday
    assert dt.date(2030, 12, 27) not in english and dt.date(2030, 12, 28) not in english


def test_no_visit_is_planned_on_christmas_new_year_sundays_or_a_company_closed_day(head_office, bavaria_and_hamburg):
    munich, hamburg, _shoppers = bavaria_and_hamburg
    ClosedDay.objects.create(day=dt.date(2030, 12, 31), name="Inventory")
    wave = make_wave(
        head_office,
        stores=[munich, hamburg],
        starts_on=CHRISTMAS_MONDAY,
        ends_on=CHRISTMAS_MONDAY + dt.timedelta(days=27),
        fixed_visits=8,
        lockout_days=0,
    )
    wave_plan(wave=wave, by=head_office)
    assignments = list(Assignment.objects.filter(wave=wave))
    assert len(assignments) == 16
    planned = set().union(*(days_of(a) for a in assignments))
    closed = {dt.date(2030, 12, 25), dt.date(2030, 12, 26), dt.date(2031, 1, 1), dt.date(2030, 12, 31)}
    assert not planned & closed
    assert all(day.isoweekday() != 7 for day in planned)
    # Epiphany (6 January) is a holiday in Bavaria only
    epiphany = dt.date(2031, 1, 6)
    assert not any(epiphany in days_of(a) for a in assignments if a.store == munich)


def test_corpus_christi_is_skipped_in_munich_and_planned_in_hamburg(head_office, bavaria_and_hamburg):
    munich, hamburg, _shoppers = bavaria_and_hamburg
    week = CORPUS_CHRISTI_2030 - dt.timedelta(days=3)  # Monday
    wave = make_wave(
        head_office, stores=[munich, hamburg], starts_on=week, ends_on=week + dt.timedelta(days=4), fixed_visits=1
    )
    wave_plan(wave=wave, by=head_office)
    windows = {a.store.code: (a.window_start, a.window_end) for a in Assignment.objects.filter(wave=wave)}
    assert windows == {
        "muc-ma": (week, CORPUS_CHRISTI_2030 - dt.timedelta(days=1)),
        "ham-mo": (week, week + dt.timedelta(days=4)),
    }


def test_head_office_cannot_move_a_window_onto_a_holiday(head_office, bavaria_and_hamburg):
    munich, _hamburg, _shoppers = bavaria_and_hamburg
    wave = make_wave(
        head_office, stores=[munich], starts_on=CHRISTMAS_MONDAY, ends_on=CHRISTMAS_MONDAY + dt.timedelta(days=13)
    )
    wave_plan(wave=wave, by=head_office)
    assignment = Assignment.objects.filter(wave=wave).first()
    with pytest.raises(PlanningError) as refused:
        assignment_adjust(
            assignment=assignment,
            by=head_office,
            shopper=None,
            window_start=dt.date(2030, 12, 24),
            window_end=dt.date(2030, 12, 27),
            time_of_day="morning",
            locked=True,
        )
    assert refused.value.errors["window_start"].endswith("(Christmas Day): choose days it is open.")


def test_closures_are_read_in_two_queries_for_any_number_of_stores(django_assert_num_queries, region):
    stores = [
        StoreFactory(region=region, subdivision=["BY", "HH", "BE"][i % 3], closed_weekdays="7") for i in range(30)
    ]
    with django_assert_num_queries(2):
        closures = store_closures([s.pk for s in stores], dt.date(2030, 12, 1), dt.date(2030, 12, 31))
    assert all(dt.date(2030, 12, 25) in closures[s.pk] for s in stores)


def test_the_wave_page_lists_the_days_skipped_per_store_in_english_and_german(client, head_office, bavaria_and_hamburg):
    munich, hamburg, _shoppers = bavaria_and_hamburg
    wave = make_wave(
        head_office,
        stores=[munich, hamburg],
        starts_on=CHRISTMAS_MONDAY,
        ends_on=CHRISTMAS_MONDAY + dt.timedelta(days=27),
    )
    wave_plan(wave=wave, by=head_office)
    client.force_login(head_office)
    url = reverse("planning:wave", args=[wave.pk])
    english = client.get(url).content.decode()
    assert "Days not planned" in english
    assert "25.12. Christmas Day" in english
    assert "01.01. New Year&#x27;s Day" in english or "01.01. New Year's Day" in english
    assert "06.01. Epiphany" in english  # Munich only
    assert "closed every Sunday (4 days)" in english
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Nicht geplante Tage" in german
    assert "25.12. Erster Weihnachtstag" in german
    assert "06.01. Heilige Drei Könige" in german
    assert "jeden Sonntag geschlossen (4 Tage)" in german


def test_the_wave_api_gives_each_stores_skipped_days(client, head_office, bavaria_and_hamburg):
    munich, hamburg, _shoppers = bavaria_and_hamburg
    wave = make_wave(
        head_office,
        stores=[munich, hamburg],
        starts_on=CHRISTMAS_MONDAY,
        ends_on=CHRISTMAS_MONDAY + dt.timedelta(days=13),
    )
    wave_plan(wave=wave, by=head_office)
    client.force_login(head_office)
    data = client.get(f"/api/v1/planning/waves/{wave.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()
    skipped = {item["store"]: item["skipped_days"] for item in data["stores"]}
    assert {"day": "2030-12-25", "kind": "holiday", "why": "Erster Weihnachtstag"} in skipped["ham-mo"]
    assert {"day": "2030-12-22", "kind": "weekday", "why": "am Sonntag geschlossen"} in skipped["muc-ma"]
