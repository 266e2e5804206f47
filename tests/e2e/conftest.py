"""Browser tests: Python Playwright driving Debian's Chromium at a phone viewport against the
live server.

Playwright's sync API keeps an event loop running in the main thread from the first browser test
to the end of the session, so Django's guard against database calls from async code is switched
off for the whole session (tests collected after these would trip it otherwise)."""

from __future__ import annotations

import os
import shutil
import time
from urllib.parse import urlsplit

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from observations.models import Rubric, Visit

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/Berlin",
}
PASSWORD = "correct-horse-battery"

# Two cores shared with other jobs in CI: give assertions the same patience as actions.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        # CI (.ci/run) installs Chromium, so there a missing browser fails; a laptop without one skips.
        message = (
            f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) or set CHROMIUM=/path; "
            'or skip the browser tests with -m "not browser"'
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def rubric(transactional_db):
    # The live server's database is flushed between tests, taking the migration's rubric with it.
    return Rubric.objects.get_or_create(version=1)[0]


@pytest.fixture
def phone(browser, live_server, rubric):
    """A fresh phone (browser context) for one test; `phone.login(user)` opens /m/ logged in."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    yield Phone(context, live_server.url)
    context.close()


class Phone:
    def __init__(self, context, base_url: str):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        # Uncaught exceptions in the page's scripts (failed requests while offline are expected).
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def login(self, user, password: str = PASSWORD):
        page = self.page
        page.goto("/m/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("form.login button[type=submit]")
        page.wait_for_url(lambda url: urlsplit(url).path == "/m/")
        page.wait_for_selector("#store-select option, #no-stores:not([hidden])", state="attached")
        return page

    def log_out(self):
        """Log out from the home screen (nothing unsent) and wait for the log-in form: a navigation
        started before the logout's own redirect ended would abort it."""
        self.page.get_by_role("button", name="Log out").click()
        self.page.wait_for_selector("#id_username")

    def go_offline(self):
        # Playwright's offline mode does not cut a service worker's traffic: block the API too.
        self.context.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
        self.context.set_offline(True)

    def go_online(self):
        self.context.unroute("**/api/v1/**")
        self.context.set_offline(False)


def stored_visits() -> int:
    """How many visits the server has stored. On SQLite the live server shares the test's
    in-memory database, and a request still in flight from a page the test just closed can hold
    a table lock for a moment: wait for it rather than fail."""
    deadline = time.monotonic() + 5
    while True:
        try:
            return Visit.objects.count()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def wait_for_service_worker(page) -> None:
    """Until the service worker controls the page, i.e. the app shell is in its cache."""
    page.wait_for_function("() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)")


# The draft as the phone keeps it in IndexedDB: the first interaction's smile of the open draft.
_STORED_DRAFT_SMILE = """() => new Promise((resolve) => {
  const opened = indexedDB.open("oasis");
  opened.onerror = () => resolve(null);
  opened.onsuccess = () => {
    const db = opened.result;
    if (!db.objectStoreNames.contains("visits")) return resolve(null);
    const all = db.transaction("visits").objectStore("visits").getAll();
    all.onerror = () => resolve(null);
    all.onsuccess = () => {
      const draft = all.result.find((visit) => visit.state === "draft");
      resolve(draft && draft.interactions.length ? draft.interactions[0].smile : null);
      db.close();
    };
  };
})"""


def wait_for_draft_stored(page, smile: int, timeout: float = 10) -> None:
    """Until the phone's storage holds the draft with the first interaction's smile: a change is
    written to IndexedDB a moment after the tap, and a reload in between would find the draft
    as it was before it."""
    deadline = time.monotonic() + timeout
    while page.evaluate(_STORED_DRAFT_SMILE) != smile:
        assert time.monotonic() < deadline, f"the draft with smile {smile} was not stored within {timeout} s"
        page.wait_for_timeout(50)


def fill_pleasant_interaction(card) -> None:
    """On the complete screen: greeted after 10 s (typed), personally, with a warm smile; nothing asked."""
    card.get_by_label("I was greeted", exact=True).check()
    card.get_by_label("Seconds until I was greeted").fill("10")
    card.get_by_label("Personal greeting").check()
    card.get_by_label("5 – warm, genuine smile").check()


def record_pleasant_visit(page) -> None:
    """From the home screen: a visit with one pleasant interaction, completed, not yet submitted."""
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I left").click()
    fill_pleasant_interaction(page.locator('#contacts > li[data-index="0"]'))


def fits_the_screen(page) -> bool:
    """Nothing of the page lies below the fold: no scrolling needed."""
    return page.evaluate("() => document.scrollingElement.scrollHeight <= window.innerHeight")
