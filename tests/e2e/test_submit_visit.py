from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from observations.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN_MITTE = {"latitude": 52.5201, "longitude": 13.4051, "accuracy": 25}


def test_shopper_records_two_interactions_and_finds_the_visit_stored_with_its_scores(
    browser, live_server, rubric, shopper, store
):
    from .conftest import PHONE, Phone

    context = browser.new_context(
        base_url=live_server.url, permissions=["geolocation"], geolocation=BERLIN_MITTE, **PHONE
    )
    context.set_default_timeout(10_000)
    context.clock.install()
    try:
        page = Phone(context, live_server.url).login(shopper)
        expect(page.locator("#store-select")).to_have_value("ber-mitte")
        page.get_by_role("button", name="Start visit now").click()
        expect(page.locator("#visit-title")).to_have_text("Berlin Mitte")
        expect(page.locator("#visit-meta")).to_contain_text("position recorded (± 25 m)")

        first = page.locator('#interactions > li[data-index="0"]')
        page.clock.fast_forward(12_000)
        first.get_by_role("button", name="Greeted now").click()
        greeting_seconds = int(first.get_by_label("Seconds until I was greeted").input_value())
        assert 12 <= greeting_seconds <= 15  # the stopwatch, plus the time the test itself takes
        first.get_by_label("Personal greeting").check()
        first.get_by_label("Friendly").check()
        first.get_by_role("button", name="+1 approach").click()
        first.get_by_role("button", name="+1 approach").click()
        expect(first.get_by_label("Unsolicited")).to_have_value("2")
        first.get_by_role("button", name="I ask now").click()
        page.clock.fast_forward(40_000)
        first.get_by_role("button", name="Staff attended").click()
        response_seconds = int(first.get_by_label("Seconds until staff attended").input_value())
        assert 40 <= response_seconds <= 43
        first.get_by_label("Seconds until staff attended").fill("45")  # the taps are editable
        first.get_by_label("Excellent, glad to help").check()
        first.get_by_label("Notes on this interaction").fill("Knew the stock by heart.")

        page.get_by_role("button", name="+ Add another interaction").click()
        second = page.locator('#interactions > li[data-index="1"]')
        second.get_by_label("Sour, annoyed").check()
        second.get_by_label("Staff followed me around").check()
        page.get_by_role("button", name="Finish visit").click()

        expect(page.get_by_role("heading", name="Check and submit")).to_be_visible()
        expect(page.locator("#summary-interactions li")).to_have_count(2)
        page.get_by_label("Notes on the visit").fill("Busy Saturday.")
        page.get_by_role("button", name="Submit visit").click()

        item = page.locator("#visit-list li[data-state=synced]")
        expect(item).to_contain_text("SOI 55.7")
    finally:
        context.close()

    visit = Visit.objects.get()
    assert visit.store == store
    assert visit.observer == shopper
    assert visit.notes == "Busy Saturday."
    assert visit.latitude == pytest.approx(52.5201)
    assert visit.location_accuracy_m == 25
    assert dt.timedelta(0) <= visit.ended_at - visit.started_at < dt.timedelta(minutes=5)
    one, two = visit.interactions.order_by("position")
    assert (one.greeted, one.greeting_seconds, one.greeting_personal, one.smile) == (True, greeting_seconds, True, 4)
    assert (one.unsolicited_approaches, one.followed, one.asked) == (2, False, True)
    assert (one.response_seconds, one.response_quality, one.notes) == (45, 5, "Knew the stock by heart.")
    assert (two.greeted, two.greeting_seconds, two.smile, two.followed, two.asked) == (False, None, 2, True, False)
    # first: 0.3*100 + 0.2*75 + 0.2*75 + 0.3*100 = 90; second: (0.3*0 + 0.2*25 + 0.2*50) / 0.7 = 21.4
    assert round(one.soi, 1) == 90.0
    assert round(two.soi, 1) == 21.4
    assert round(visit.soi, 1) == 55.7
