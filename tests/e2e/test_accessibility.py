"""An axe-core scan of each screen of the mobile form: no serious or critical violations.

axe-core is vendored (tests/e2e/vendor/axe.min.js, MPL-2.0) so CI needs no npm. Playwright adds it
as an inline script, which the page's Content Security Policy forbids: this context bypasses CSP."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..factories import submit_visit
from .conftest import PHONE, Phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def serious_violations(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def scanning_phone(browser, live_server, rubric):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **PHONE)
    context.set_default_timeout(10_000)
    yield Phone(context, live_server.url)
    context.close()


def test_every_screen_of_the_shopper_has_no_serious_accessibility_violations(scanning_phone, shopper, store):
    page = scanning_phone.login(shopper)
    assert serious_violations(page) == []  # my visits

    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I entered").click()
    page.get_by_role("button", name="I ask", exact=True).click()
    assert serious_violations(page) == []  # in the store, clocks running
    page.get_by_role("button", name="Discreet").click()
    assert serious_violations(page) == []  # the same, discreet
    page.get_by_role("button", name="Discreet").click()

    page.get_by_role("button", name="I left").click()
    card = page.locator('#contacts > li[data-index="0"]')
    card.get_by_label("I was greeted", exact=True).check()
    page.get_by_role("button", name="Submit visit").click()
    expect(card.locator("#c0-err-smile")).to_be_visible()
    assert serious_violations(page) == []  # completing, with field errors showing

    card.get_by_label("Seconds until I was greeted").fill("10")
    card.get_by_label("4 – friendly").check()
    card.get_by_label("I asked or made a request").uncheck()

    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=synced]")).to_have_count(1)
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Filialbesuche")).to_be_visible()
    assert serious_violations(page) == []  # my visits with a result, in German


def test_the_review_queue_has_no_serious_accessibility_violations(scanning_phone, supervisor, shopper, store):
    submit_visit(observer=shopper, store=store, minutes=2)
    page = scanning_phone.login(supervisor)
    page.get_by_role("button", name="Review shopper visits").click()
    expect(page.locator("#review-list > li")).to_have_count(1)
    page.locator("#review-list > li").get_by_role("button", name="Reject").click()
    assert serious_violations(page) == []
