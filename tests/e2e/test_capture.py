"""In the store: one screen, thumb-sized taps, clocks that a stray tap cannot corrupt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from observations.models import Visit

from .conftest import fits_the_screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_STORE_CONTROLS = ["I entered", "Greeted", "−1 approach", "+1 approach", "Followed me", "I ask", "Attended", "I left"]


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_a_full_visit_is_captured_in_the_store_without_scrolling_and_completed_after_leaving(phone, shopper, store):
    page = phone.login(shopper)
    phone.context.clock.install()
    page.get_by_role("button", name="Start visit now").click()
    expect(page.locator("#capture-title")).to_have_text("Berlin Mitte")
    assert fits_the_screen(page)
    for name in IN_STORE_CONTROLS:
        assert in_view(page, page.get_by_role("button", name=name, exact=True)), name
    for level in range(1, 6):
        assert in_view(page, page.locator(f'#face-scale [data-face="{level}"]'))

    page.get_by_role("button", name="I entered").click()
    page.clock.fast_forward(12_000)
    page.get_by_role("button", name="Greeted", exact=True).click()
    expect(page.locator("#greet-clock")).to_have_text("0:12")
    page.get_by_role("button", name="4 – friendly").click()
    page.get_by_role("button", name="+1 approach").click()
    page.get_by_role("button", name="+1 approach").click()
    expect(page.locator("#approach-count")).to_have_text("2")
    page.get_by_role("button", name="I ask", exact=True).click()
    page.clock.fast_forward(40_000)
    page.get_by_role("button", name="Attended").click()
    expect(page.locator("#ask-clock")).to_have_text("0:40")
    page.get_by_role("button", name="+ Contact").click()
    expect(page.locator("#capture-count")).to_have_text("Contact 2 of 2")
    page.get_by_role("button", name="2 – sour, annoyed").click()
    page.get_by_role("button", name="Followed me").click()
    assert fits_the_screen(page)
    page.get_by_role("button", name="I left").click()

    expect(page.get_by_role("heading", name="Complete and send")).to_be_visible()
    first = page.locator('#contacts > li[data-index="0"]')
    first.get_by_label("Personal greeting").check()
    first.get_by_label("Excellent, glad to help").check()
    first.get_by_label("Notes on this interaction").fill("Knew the stock by heart.")
    page.get_by_label("Notes on the visit").fill("Busy Saturday.")
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI 55.7")

    visit = Visit.objects.get()
    one, two = visit.interactions.order_by("position")
    assert (one.greeting_seconds, one.greeting_typed, one.greeting_personal, one.smile) == (12, False, True, 4)
    assert (one.unsolicited_approaches, one.response_seconds, one.response_typed, one.response_quality) == (
        2,
        40,
        False,
        5,
    )
    assert (two.greeted, two.smile, two.followed, two.asked) == (False, 2, True, False)
    assert visit.notes == "Busy Saturday."
    assert phone.errors == []


def test_the_greeting_clock_starts_when_the_shopper_enters_not_when_the_visit_is_created(phone, shopper, store):
    page = phone.login(shopper)
    phone.context.clock.install()
    page.get_by_role("button", name="Start visit now").click()
    page.clock.fast_forward(120_000)  # two minutes on the way in, the phone already open
    expect(page.locator("#greet-clock")).to_have_text("–:––")
    page.get_by_role("button", name="Greeted", exact=True).click(force=True)  # before entering: nothing to stop
    expect(page.locator("#greet-clock")).to_have_text("–:––")
    page.get_by_role("button", name="I entered").click()
    page.clock.fast_forward(8_000)
    page.get_by_role("button", name="Greeted", exact=True).click()
    expect(page.locator("#greet-clock")).to_have_text("0:08")
    page.get_by_role("button", name="3 – neutral").click()
    page.get_by_role("button", name="I left").click()
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=synced]")).to_have_count(1)
    visit = Visit.objects.get()
    # The visit began on entering, not two minutes earlier when it was opened on the phone.
    assert 8 <= (visit.ended_at - visit.started_at).total_seconds() < 60
    assert visit.interactions.get().greeting_seconds == 8


def test_a_stray_second_tap_on_a_stopped_clock_offers_undo_or_measure_again_and_changes_nothing(phone, shopper, store):
    page = phone.login(shopper)
    phone.context.clock.install()
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I entered").click()
    page.clock.fast_forward(2_000)
    page.get_by_role("button", name="Greeted", exact=True).click()
    expect(page.locator("#greet-clock")).to_have_text("0:02")

    page.clock.fast_forward(3_000)
    page.get_by_role("button", name="Greeted", exact=True).click()  # the stray tap
    expect(page.locator("#choice")).to_be_visible()
    expect(page.locator("#choice-text")).to_have_text("Greeting already measured (0:02).")
    expect(page.locator("#greet-clock")).to_have_text("0:02")
    page.get_by_role("button", name="I entered").click()  # and on the start: no restart either
    expect(page.locator("#greet-clock")).to_have_text("0:02")
    page.get_by_role("button", name="Keep").click()
    expect(page.locator("#choice")).to_be_hidden()

    page.get_by_role("button", name="I ask", exact=True).click()
    page.clock.fast_forward(5_000)
    page.get_by_role("button", name="Attended").click()
    expect(page.locator("#ask-clock")).to_have_text("0:05")
    page.get_by_role("button", name="I ask", exact=True).click()  # used to erase the 5 s
    expect(page.locator("#choice-text")).to_have_text("Answer time already measured (0:05).")
    expect(page.locator("#ask-clock")).to_have_text("0:05")
    page.get_by_role("button", name="Attended").click()
    expect(page.locator("#ask-clock")).to_have_text("0:05")

    page.get_by_role("button", name="Measure again").click()  # explicitly: from now
    page.clock.fast_forward(7_000)
    page.get_by_role("button", name="Attended").click()
    expect(page.locator("#ask-clock")).to_have_text("0:07")
    page.get_by_role("button", name="Attended").click()
    page.get_by_role("button", name="Undo").click()  # the clock runs on from its start
    expect(page.locator("#ask-clock")).to_have_attribute("data-since", re.compile(r"^\d{4}-"))
    assert page.locator("#ask-clock").inner_text() >= "0:07"
    assert phone.errors == []


def test_seconds_typed_after_leaving_are_marked_and_reviewers_see_it(phone, shopper, store):
    page = phone.login(shopper)
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="5 – warm, genuine smile").click()
    page.get_by_role("button", name="I left").click()
    card = page.locator('#contacts > li[data-index="0"]')
    card.get_by_label("I was greeted", exact=True).check()
    card.get_by_label("Seconds until I was greeted").fill("3599")
    expect(card.locator("[data-role=greeting-typed]")).to_be_visible()
    page.get_by_role("button", name="Submit visit").click()
    # Allowed, but an hour to be greeted is worth a question before it is sent.
    expect(page.locator("#warning-list")).to_contain_text("greeted only after 59:59 min")
    page.get_by_label("Yes, these values are right.").check()
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=synced]")).to_have_count(1)
    interaction = Visit.objects.get().interactions.get()
    assert (interaction.greeting_seconds, interaction.greeting_typed) == (3599, True)


def test_discreet_mode_is_dark_and_remembered(phone, shopper, store):
    page = phone.login(shopper)
    page.get_by_role("button", name="Discreet").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "discreet")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "discreet")
    expect(page.get_by_role("button", name="Discreet")).to_have_attribute("aria-pressed", "true")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 19, 18)"
