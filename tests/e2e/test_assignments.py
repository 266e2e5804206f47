"""A shopper's assignments on the phone: shown offline too, and a visit started from one is linked to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from observations.models import Visit
from planning.models import Assignment, AssignmentStatus
from planning.services import WaveInput, wave_create, wave_plan, wave_publish

from .conftest import fill_pleasant_interaction, stored_visits, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assignment(head_office, store, shopper) -> Assignment:
    today = timezone.localdate()
    wave = wave_create(
        by=head_office,
        data=WaveInput(
            name="Spring wave",
            starts_on=today,
            ends_on=today + dt.timedelta(days=13),
            store_ids=(store.pk,),
            target_kind="fixed",
            fixed_visits=1,
            min_visits=1,
            brief="Ask for a gift wrap.",
        ),
    )
    wave_plan(wave=wave, by=head_office)
    wave_publish(wave=wave, by=head_office)
    return Assignment.objects.get(wave=wave, shopper=shopper)


def test_a_shopper_sees_their_assignments_offline_and_a_visit_started_from_one_is_linked(phone, shopper, assignment):
    page = phone.login(shopper)
    wait_for_service_worker(page)
    card = page.locator(f'#assignments li[data-assignment-id="{assignment.pk}"]')
    expect(card).to_contain_text("Berlin Mitte")
    expect(card).to_contain_text("Ask for a gift wrap.")

    phone.go_offline()
    response = page.reload()
    assert response.from_service_worker  # the app shell opens with no connection
    expect(card).to_contain_text("Berlin Mitte")  # from the phone's own copy
    card.get_by_role("button", name="Start visit").click()
    page.get_by_role("button", name="I left").click()
    fill_pleasant_interaction(page.locator('#contacts > li[data-index="0"]'))
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(1)
    assert stored_visits() == 0

    phone.go_online()
    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.visit) == (AssignmentStatus.DONE, Visit.objects.get())
    assert phone.errors == []
