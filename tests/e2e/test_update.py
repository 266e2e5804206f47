"""A new version of the app reaches an open phone at a safe point, and no visit is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import mobile.views

from .conftest import wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_update_while_a_visit_is_open_waits_for_the_home_screen_and_keeps_the_visit(
    phone, shopper, store, monkeypatch
):
    page = phone.login(shopper)
    wait_for_service_worker(page)
    old = page.evaluate("() => JSON.parse(document.getElementById('oasis-config').textContent).version")
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I entered").click()
    page.get_by_role("button", name="4 – friendly").click()

    monkeypatch.setattr(mobile.views, "shell_version", lambda: "next-version")  # a deployment
    page.evaluate("async () => { await (await navigator.serviceWorker.getRegistration()).update(); }")
    page.wait_for_function(
        "async () => Boolean((await navigator.serviceWorker.getRegistration()).waiting)", polling=250, timeout=30_000
    )

    # In the store nothing changes under the shopper's thumb: same page, clock still running.
    expect(page.locator("#capture-title")).to_have_text("Berlin Mitte")
    assert page.locator("#greet-clock").get_attribute("data-since")
    assert page.evaluate("() => JSON.parse(document.getElementById('oasis-config').textContent).version") == old

    page.get_by_role("button", name="I left").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Back to my visits").click()  # the safe point: the update applies
    page.wait_for_function(
        "() => JSON.parse(document.getElementById('oasis-config').textContent).version === 'next-version'"
    )
    draft = page.locator("#visit-list li[data-state=draft]")
    expect(draft).to_have_count(1)
    draft.get_by_role("button", name="Continue this visit").click()
    expect(page.get_by_role("heading", name="Complete and send")).to_be_visible()
    expect(page.locator('#contacts > li[data-index="0"]').get_by_label("4 – friendly")).to_be_checked()
    assert phone.errors == []
