from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import Visit

from .conftest import fill_pleasant_interaction, stored_visits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invalid_entries_show_their_error_next_to_the_field_and_nothing_is_sent(phone, shopper, store):
    page = phone.login(shopper)
    page.get_by_role("button", name="Start visit now").click()
    card = page.locator('#interactions > li[data-index="0"]')
    card.get_by_label("I was greeted", exact=True).check()
    card.get_by_label("Seconds until I was greeted").fill("4000")
    card.get_by_label("I asked or made a request").check()
    page.get_by_role("button", name="Finish visit").click()

    seconds = card.get_by_label("Seconds until I was greeted")
    expect(seconds).to_have_attribute("aria-invalid", "true")
    expect(card.locator("#i0-err-greeting_seconds")).to_have_text("Enter whole seconds from 0 to 3600.")
    expect(seconds).to_have_attribute("aria-describedby", "i0-err-greeting_seconds")
    expect(card.locator("#i0-err-smile")).to_have_text("Choose the facial expression.")
    expect(card.locator("#i0-err-response_quality")).to_have_text("Rate the answer.")
    expect(page.get_by_role("heading", name="Check and submit")).to_be_hidden()

    seconds.fill("40")
    card.get_by_label("Hostile face").check()
    card.get_by_label("I asked or made a request").uncheck()
    page.get_by_role("button", name="Finish visit").click()
    expect(page.get_by_role("heading", name="Check and submit")).to_be_visible()
    page.get_by_label("End of the visit").fill("2020-01-01T10:00")
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#err-ended_at")).to_have_text("The end must not be before the start.")
    assert stored_visits() == 0


def test_visit_the_server_refuses_shows_its_reason_at_the_field_and_can_be_fixed_and_resent(
    phone, shopper, store, other_store
):
    shopper.stores.add(other_store)
    page = phone.login(shopper)
    page.get_by_role("combobox", name="Store").select_option("ber-mitte")
    page.get_by_role("button", name="Start visit now").click()
    fill_pleasant_interaction(page.locator('#interactions > li[data-index="0"]'))
    page.get_by_role("button", name="Finish visit").click()
    phone.go_offline()
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(1)

    shopper.stores.remove(store)  # head office moved the shopper while the visit waited on the phone
    phone.go_online()
    refused = page.locator("#visit-list li[data-state=invalid]")
    expect(refused).to_contain_text("store: is not a store you may record visits for.")
    refused.get_by_role("button", name="Fix and send again").click()

    expect(page.locator("#err-store")).to_have_text("is not a store you may record visits for.")
    expect(page.get_by_role("combobox", name="Store")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("combobox", name="Store").select_option("zrh-hb")
    expect(page.locator("#err-store")).to_be_hidden()
    page.get_by_role("button", name="Submit visit").click()

    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI 100.0")
    assert Visit.objects.get().store == other_store
