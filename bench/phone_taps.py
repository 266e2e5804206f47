"""Taps (and scrolls) for one standard visit on the phone, with one and with three interactions.

Each interaction: greeted (measured with the clock), personally; expression; one unsolicited
approach; a question, the answer timed with the clock, its quality rated; no notes. Counts every
tap the script makes and every scroll the page needed in the store. Needs a running server and
the demo user `shopper` (bench/phone.sh prepares both).

    python bench/phone_taps.py --base http://127.0.0.1:8190
"""

from __future__ import annotations

import argparse
import json
import os

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class Counter:
    def __init__(self, page):
        self.page = page
        self.taps = 0
        self.scrolls_in_store = 0

    def tap(self, locator, *, in_store: bool = False):
        if in_store:
            box = locator.bounding_box()
            if box["y"] < 0 or box["y"] + box["height"] > self.page.viewport_size["height"]:
                self.scrolls_in_store += 1
        locator.click()
        self.taps += 1


def visit(page, interactions: int) -> dict:
    count = Counter(page)
    button = lambda name: page.get_by_role("button", name=name, exact=True)  # noqa: E731
    count.tap(button("Start visit now"))
    for index in range(interactions):
        if index:
            count.tap(button("+ Contact"), in_store=True)
        count.tap(button("I entered" if index == 0 else "Start clock"), in_store=True)
        count.tap(button("Greeted"), in_store=True)
        count.tap(button("4 – friendly"), in_store=True)
        count.tap(button("+1 approach"), in_store=True)
        count.tap(button("I ask"), in_store=True)
        count.tap(button("Attended"), in_store=True)
    count.tap(button("I left"), in_store=True)
    in_store = count.taps
    for index in range(interactions):
        card = page.locator(f'#contacts > li[data-index="{index}"]')
        count.tap(card.get_by_label("Personal greeting"))
        count.tap(card.get_by_label("Good", exact=True))
    count.tap(button("Submit visit"))
    page.locator("#visit-list li[data-state=synced]").first.wait_for()
    return {"taps": count.taps, "in_store": in_store, "scrolls_in_store": count.scrolls_in_store, "typed": 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8190")
    parser.add_argument("--password", default=os.environ.get("OASIS_PASSWORD", "oasis-demo"))
    args = parser.parse_args()
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en-GB",
        )
        page = context.new_page()
        page.goto(f"{args.base}/m/")
        page.fill("#id_username", "shopper")
        page.fill("#id_password", args.password)
        page.click("form.login button[type=submit]")
        page.wait_for_selector("#store-select option", state="attached")
        for interactions in (1, 3):
            results[f"{interactions}_interaction(s)"] = visit(page, interactions)
        browser.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
