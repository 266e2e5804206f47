from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, PHONE, Phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PAGE_BYTES = 150 * 1024


def test_the_whole_page_transfers_under_150_kb(phone, shopper, store):
    page = phone.page
    page.goto("/m/")
    page.fill("#id_username", shopper.username)
    page.fill("#id_password", PASSWORD)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.click("form.login button[type=submit]")
    expect(page.locator("#store-select")).to_have_value("ber-mitte")
    page.wait_for_load_state("networkidle")

    sizes = {}
    for response in responses:
        size = response.request.sizes()
        sizes[response.url] = size["responseBodySize"] + size["responseHeadersSize"]
    total = sum(sizes.values())
    print(f"\n/m/ after log-in: {len(sizes)} responses, {total / 1024:.1f} KB")
    assert any(url.endswith("/static/mobile/app.js") for url in sizes)
    assert any(url.endswith("/api/v1/me/") for url in sizes)
    assert total < MAX_PAGE_BYTES, sorted(sizes.items(), key=lambda item: -item[1])


def test_the_page_follows_the_browser_language_and_can_be_switched(browser, live_server, rubric, shopper, store):
    context = browser.new_context(base_url=live_server.url, **{**PHONE, "locale": "de-DE"})
    context.set_default_timeout(10_000)
    try:
        page = Phone(context, live_server.url).login(shopper)
        expect(page.get_by_role("heading", name="Filialbesuche")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "de")
        page.get_by_role("button", name="Besuch jetzt beginnen").click()
        expect(page.get_by_role("button", name="Begrüßt", exact=True)).to_be_visible()

        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Greeted", exact=True)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.reload()
        expect(page.get_by_role("button", name="I left")).to_be_visible()  # the choice is remembered
    finally:
        context.close()


def test_the_page_is_an_installable_app_with_a_manifest_and_a_service_worker(phone, shopper, store):
    page = phone.login(shopper)
    manifest = page.request.get("/m/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    body = manifest.json()
    assert (body["start_url"], body["scope"], body["display"]) == ("/m/", "/m/", "standalone")
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in body["icons"]}
    for icon in body["icons"]:
        assert page.request.get(icon["src"]).ok
    worker = page.request.get("/m/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == f"{phone.base_url}/m/"
