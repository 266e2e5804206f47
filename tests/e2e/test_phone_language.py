"""Logging out of the German phone app lands on a German log-in page; a store manager on the phone
app is told what it is for."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_logging_out_of_the_german_phone_app_shows_the_german_log_in(phone, shopper, store):
    page = phone.login(shopper)
    page.get_by_role("button", name="Deutsch").click()
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_label("Benutzername")).to_be_visible()
    assert page.evaluate("() => document.documentElement.lang") == "de"
    assert phone.errors == []


def test_a_store_manager_opening_the_phone_app_is_told_what_it_is_for_not_to_ask_head_office(phone, manager, store):
    page = phone.login(manager)
    expect(page.locator("#no-stores-reader")).to_have_text(
        "Store managers read their stores' reports; visits are recorded by shoppers and supervisors."
    )
    expect(page.locator("#no-stores")).to_be_hidden()  # "No stores are assigned to you ... ask head office."
    assert phone.errors == []
