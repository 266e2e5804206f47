"""Chosen, running and disabled controls can be told apart without colour: with every colour and
every transparency taken away (black on white, full opacity) and the screenshot in grayscale, a
control still looks different in each of its states (a check mark, a pulsing dot and a dashed edge,
stripes and a dotted edge)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from ..factories import UserFactory, submit_visit
from .conftest import PASSWORD, PHONE, Phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What is left of a page for someone who cannot tell colours apart, at the extreme.
NO_COLOUR = """*, *::before, *::after {
  color: #000 !important; background-color: #fff !important; border-color: #000 !important;
  outline-color: #000 !important; accent-color: #000 !important; opacity: 1 !important;
  animation: none !important; transition: none !important; box-shadow: none !important; }"""


def grey(locator) -> Image.Image:
    return Image.open(io.BytesIO(locator.screenshot(animations="disabled"))).convert("L")


def differing_share(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels that differ visibly (by more than a fifth of the grey scale)."""
    assert a.size == b.size
    difference = ImageChops.difference(a, b).point(lambda value: 255 if value > 50 else 0)
    return difference.histogram()[255] / (a.size[0] * a.size[1])


def assert_all_differ(shots: dict[str, Image.Image]) -> None:
    names = list(shots)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            share = differing_share(shots[first], shots[second])
            assert share > 0.01, f"{first} and {second} look the same without colour ({share:.2%} of pixels differ)"


@pytest.fixture
def colourless_phone(browser, live_server, rubric):
    # bypass_csp: the test's own stylesheet is injected inline
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **PHONE)
    context.set_default_timeout(10_000)
    yield Phone(context, live_server.url)
    context.close()


def test_a_chosen_face_or_mode_a_running_clock_and_a_disabled_tap_differ_without_colour(
    colourless_phone, shopper, store
):
    page = colourless_phone.login(shopper)
    page.add_style_tag(content=NO_COLOUR)
    discreet = page.get_by_role("button", name="Discreet")
    discreet_off = grey(discreet)
    discreet.click()
    expect(discreet).to_have_attribute("aria-pressed", "true")
    discreet.blur()  # the mark, not the focus ring, is compared
    assert_all_differ({"discreet off": discreet_off, "discreet on": grey(discreet)})
    # the mark takes no room: the bar still fits a phone
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Start visit now").click()
    face = page.get_by_role("button", name="4 – friendly")
    entered = page.get_by_role("button", name="I entered")
    greeted = page.get_by_role("button", name="Greeted", exact=True)
    expect(greeted).to_have_attribute("aria-disabled", "true")
    face_plain, entered_idle, greeted_disabled = grey(face), grey(entered), grey(greeted)
    assert differing_share(grey(face), face_plain) == 0  # the same state looks the same: no noise

    face.click()
    expect(face).to_have_attribute("aria-pressed", "true")
    entered.click()
    expect(page.locator("#greet-clock")).to_have_attribute("data-state", "running")
    face_chosen, entered_running, greeted_enabled = grey(face), grey(entered), grey(greeted)
    greeted.click()
    expect(page.locator("#greet-clock")).to_have_attribute("data-state", "stopped")
    entered_stopped, greeted_done = grey(entered), grey(greeted)

    assert_all_differ({"face": face_plain, "chosen face": face_chosen})
    assert_all_differ({"I entered": entered_idle, "running": entered_running, "stopped": entered_stopped})
    assert_all_differ({"Greeted disabled": greeted_disabled, "enabled": greeted_enabled, "done": greeted_done})
    assert colourless_phone.errors == []


def test_the_running_clock_says_so_with_a_pulsing_dot(phone, shopper, store):
    page = phone.login(shopper)
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I entered").click()
    clock = page.locator("#greet-clock")
    expect(clock).to_have_attribute("data-state", "running")
    mark = clock.evaluate("e => { const s = getComputedStyle(e, '::before'); return [s.content, s.animationName]; }")
    assert mark == ['"● " / ""', "blink"]
    # the mark is drawn, not read out: the button keeps its name
    expect(page.get_by_role("button", name="I entered", exact=True)).to_be_visible()


def test_a_disabled_button_on_a_web_page_is_striped_and_dotted_not_only_pale(browser, live_server, supervisor, store):
    # Only a flagged visit (two minutes) waits: nothing can be approved together.
    submit_visit(observer=UserFactory(username="shopper-a", stores=[store]), store=store, minutes=2)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto("/accounts/login/?next=/review/")
        page.get_by_label("User name").fill(supervisor.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        disabled = page.get_by_role("button", name="Approve the ticked visits")
        expect(disabled).to_be_disabled()
        style = disabled.evaluate(
            "e => { const s = getComputedStyle(e); return [s.borderTopStyle, s.cursor, s.backgroundImage]; }"
        )
        assert style[:2] == ["dotted", "not-allowed"]
        assert style[2].startswith("repeating-linear-gradient")
    finally:
        context.close()
