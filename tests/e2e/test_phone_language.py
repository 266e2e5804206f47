"""Logging out of the German phone app lands on a German log-in page."""

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
