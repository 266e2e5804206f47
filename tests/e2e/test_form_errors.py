"""A refused form opens on its error summary (focused, so a screen reader reads it and a keyboard
starts there), and a link of the summary puts the cursor in the field to correct."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..factories import UserFactory, submit_visit
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def desk(browser, live_server, rubric):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def login(user, next_url: str):
        page.goto(f"/accounts/login/?next={next_url}")
        page.get_by_label("User name").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"**{next_url}")
        return page

    yield login
    context.close()
    assert errors == []


def test_a_wave_without_stores_opens_on_the_summary_whose_link_moves_to_the_field(desk, head_office, region):
    page = desk(head_office, "/planning/waves/new/")
    page.get_by_label("Name").fill("Autumn")
    page.get_by_label("First day").fill("2030-09-02")
    page.get_by_label("Last day").fill("2030-09-29")
    page.get_by_role("button", name="Create wave").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please correct what is marked")
    summary.get_by_role("link", name="Single stores: choose at least one region or store.").click()
    expect(page.get_by_label("Single stores")).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value("Autumn")  # nothing typed is lost


def test_rejecting_without_a_note_opens_on_the_summary_whose_link_moves_to_the_note(desk, supervisor, store):
    visit = submit_visit(observer=UserFactory(username="shopper-a", stores=[store]), store=store, minutes=2)
    page = desk(supervisor, "/review/")
    page.locator(f"#visit-{visit.pk}").get_by_role("button", name="Reject").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Note: is required when rejecting a visit.").click()
    note = page.locator(f"#note-{visit.pk}")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    note.fill("Two minutes is not a visit.")
    page.locator(f"#visit-{visit.pk}").get_by_role("button", name="Reject").click()
    expect(page.locator("#queue-count")).to_have_text("0 visits wait for a decision.")
    expect(page.locator("#error-summary")).to_have_count(0)
