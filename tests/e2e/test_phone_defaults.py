"""The phone's home: assignments first, the store of a due assignment chosen by default, stores in
alphabetical order and none chosen for the user otherwise; dates with month names in the user's
language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planning.models import Assignment, AssignmentStatus
from planning.services import WaveInput, wave_create, wave_plan, wave_publish

from ..factories import StoreFactory, UserFactory
from .conftest import stored_visits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EN_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
DE_MONTHS = "Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez"


@pytest.fixture
def two_store_shopper(region, store):
    aachen = StoreFactory(code="aac-dom", name="Aachen Dom", region=region, city="Aachen")
    return UserFactory(username="shopper-two", role="shopper", stores=[store, aachen])


def due_assignment(head_office, store, shopper) -> Assignment:
    today = timezone.localdate()
    wave = wave_create(
        by=head_office,
        data=WaveInput(
            name="Winter wave",
            starts_on=today,
            ends_on=today + dt.timedelta(days=13),
            store_ids=(store.pk,),
            target_kind="fixed",
            fixed_visits=1,
            min_visits=1,
        ),
    )
    wave_plan(wave=wave, by=head_office)
    Assignment.objects.filter(wave=wave).update(
        shopper=shopper, status=AssignmentStatus.ASSIGNED, window_start=today, window_end=today + dt.timedelta(days=4)
    )
    wave_publish(wave=wave, by=head_office)
    return Assignment.objects.get(wave=wave)


def test_without_a_due_assignment_no_store_is_chosen_and_the_list_is_alphabetical(phone, two_store_shopper):
    page = phone.login(two_store_shopper)
    select = page.locator("#store-select")
    expect(select.locator("option:not([disabled])")).to_have_count(2)
    expect(select).to_have_value("")
    names = select.locator("option:not([disabled])").all_inner_texts()
    assert names == sorted(names) and names[0].startswith("Aachen Dom")
    page.get_by_role("button", name="Start visit now").click()
    expect(page.locator("#store-error")).to_have_text("Choose a store.")
    expect(select).to_be_focused()
    expect(page.locator("#screen-home")).to_be_visible()
    assert stored_visits() == 0
    assert phone.errors == []


def test_with_a_due_assignment_its_store_is_chosen_and_the_visit_does_it(phone, head_office, store, two_store_shopper):
    assignment = due_assignment(head_office, store, two_store_shopper)
    page = phone.login(two_store_shopper)
    card = page.locator(f'#assignments li[data-assignment-id="{assignment.pk}"]')
    expect(card).to_be_visible()
    expect(page.locator("#store-select")).to_have_value(store.code)
    assignments_top = page.locator("#assignments").bounding_box()["y"]
    assert assignments_top < page.locator("#start-card").bounding_box()["y"]  # assignments first
    page.get_by_role("button", name="Start visit now").click()
    expect(page.locator("#screen-capture")).to_be_visible()
    stored = page.evaluate(
        "() => new Promise((resolve) => { const open = indexedDB.open('oasis'); open.onsuccess = () => {"
        " const all = open.result.transaction('visits').objectStore('visits').getAll();"
        " all.onsuccess = () => resolve(all.result.map((visit) => visit.assignment || null)); }; })"
    )
    assert stored == [assignment.pk]
    assert phone.errors == []


@pytest.mark.parametrize(("language", "months"), [("English", EN_MONTHS), ("Deutsch", DE_MONTHS)])
def test_assignment_dates_name_the_month_in_the_users_language(phone, head_office, store, shopper, language, months):
    due_assignment(head_office, store, shopper)
    page = phone.login(shopper)
    if language == "Deutsch":
        page.get_by_role("button", name="Deutsch").click()
    window = page.locator("#assignments li.assignment p.muted").first
    expect(window).to_have_text(re.compile(rf"^\D*\d{{1,2}}\.? ({months})\.?\D.*\d{{1,2}}\.? ({months})"))
    assert "/" not in window.inner_text()
    assert phone.errors == []
