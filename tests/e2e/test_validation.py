from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import Visit

from .conftest import record_pleasant_visit, stored_visits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invalid_entries_show_their_error_next_to_the_field_and_nothing_is_sent(phone, shopper, store):
    page = phone.login(shopper)
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I left").click()
    card = page.locator('#contacts > li[data-index="0"]')
    card.get_by_label("I was greeted", exact=True).check()
    card.get_by_label("Seconds until I was greeted").fill("4000")
    card.get_by_label("I asked or made a request").check()
    card.get_by_label("Unsolicited").fill("5000")
    card.get_by_label("Notes on this interaction").fill("x" * 9600)
    expect(card.locator("[data-role=notes-count]")).to_have_text("9600 of 5000 characters")  # nothing cut off
    page.get_by_role("button", name="Submit visit").click()

    seconds = card.get_by_label("Seconds until I was greeted")
    expect(seconds).to_have_attribute("aria-invalid", "true")
    expect(card.locator("#c0-err-greeting_seconds")).to_have_text("Enter whole seconds from 0 to 3600.")
    expect(seconds).to_have_attribute("aria-describedby", "c0-err-greeting_seconds")
    expect(card.locator("#c0-err-smile")).to_have_text("Choose the facial expression.")
    expect(card.locator("#c0-err-response_quality")).to_have_text("Rate the answer.")
    expect(card.locator("#c0-err-unsolicited_approaches")).to_have_text("Enter a whole number from 0 to 1000.")
    expect(card.locator("#c0-err-notes")).to_have_text("At most 5000 characters; shorten the text.")

    seconds.fill("40")
    card.get_by_label("1 – hostile face").check()
    card.get_by_label("I asked or made a request").uncheck()
    card.get_by_label("Unsolicited").fill("1")
    card.get_by_label("Notes on this interaction").fill("")
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
    record_pleasant_visit(page)
    phone.go_offline()
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(1)

    shopper.stores.remove(store)  # head office moved the shopper while the visit waited on the phone
    phone.go_online()
    refused = page.locator("#visit-list li[data-state=invalid]")
    expect(refused).to_contain_text("store: is not a store you may record visits for.")
    expect(refused).to_contain_text("Needs a fix")
    refused.get_by_role("button", name="Fix and send again").click()

    expect(page.locator("#err-store")).to_have_text("is not a store you may record visits for.")
    expect(page.get_by_role("combobox", name="Store")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("combobox", name="Store").select_option("zrh-hb")
    expect(page.locator("#err-store")).to_be_hidden()
    page.get_by_role("button", name="Submit visit").click()

    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI 100.0")
    assert Visit.objects.get().store == other_store


def test_the_store_picker_offers_only_open_stores(phone, shopper, store, other_store):
    other_store.is_active = False
    other_store.save()
    shopper.stores.add(other_store)
    page = phone.login(shopper)
    expect(page.locator("#store-select option")).to_have_count(1)
    expect(page.locator("#store-select")).to_have_value("ber-mitte")
