"""On a 320 px wide phone (the narrowest still sold) and a 375 px one the top bar and the capture
screen's footer fit: nothing makes the home or the capture screen scroll sideways, in English or
German, with the discreet mode off or on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, Phone
from .test_every_page import horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[(320, "en-GB"), (320, "de-DE"), (375, "de-DE")], ids=lambda p: f"{p[0]}px-{p[1]}")
def narrow_phone(request, browser, live_server, rubric):
    width, locale = request.param
    viewport = {"width": width, "height": 640}
    context = browser.new_context(base_url=live_server.url, **{**PHONE, "viewport": viewport, "locale": locale})
    context.set_default_timeout(10_000)
    yield Phone(context, live_server.url)
    context.close()


def assert_no_sideways_scroll(page, screen: str) -> None:
    overflow, sticking_out = horizontal_overflow(page)
    assert overflow <= 0, f"{screen}: {overflow} px wider than the screen: {sticking_out}"
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth"), screen


def sticking_out_of(page, container: str) -> list[str]:
    """The visible children of `container` that reach past its right edge."""
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return [...document.querySelectorAll(selector + ' > *')]
                .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > box.right + 0.5)
                .map(el => el.id || el.className);
        }""",
        container,
    )


def test_the_home_and_capture_screens_do_not_scroll_sideways_on_a_narrow_phone(narrow_phone, shopper, store):
    page = narrow_phone.login(shopper)
    expect(page.locator("#store-select")).to_have_value("ber-mitte")
    assert_no_sideways_scroll(page, "home")
    assert sticking_out_of(page, ".bar") == []

    page.locator("#discreet").click()
    expect(page.locator("#discreet")).to_have_attribute("aria-pressed", "true")
    assert_no_sideways_scroll(page, "home, discreet")

    page.locator("#start-visit").click()
    expect(page.locator("#capture-title")).to_have_text("Berlin Mitte")
    assert_no_sideways_scroll(page, "capture")
    assert sticking_out_of(page, ".capture-foot") == []
    page.locator("#discreet").click()
    expect(page.locator("#discreet")).to_have_attribute("aria-pressed", "false")
    assert_no_sideways_scroll(page, "capture, not discreet")
    assert not narrow_phone.errors
