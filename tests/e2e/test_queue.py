"""The offline queue cannot jam: every visit has its own outcome, an oversized one holds back no other."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import Visit

from .conftest import stored_visits, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Three finished visits put straight into the phone's queue (as an older version of the app, or a
# server whose limit shrank, could have left them): the middle one is 50 interactions with 5,000
# two-byte characters of notes each, about 500 KB in UTF-8, twice the server's body limit.
QUEUE_THREE = """async ({owner, store}) => {
  const db = await import("/static/mobile/db.js");
  const { newVisit, newInteraction } = await import("/static/mobile/visit.js");
  const ids = [];
  for (const [order, count] of [[0, 1], [1, 50], [2, 1]]) {
    const visit = newVisit({ owner, store, storeName: "Berlin Mitte", now: new Date(Date.now() - (30 - order) * 60000) });
    visit.interactions = Array.from({ length: count }, () => ({
      ...newInteraction(), smile: 4, notes: count > 1 ? "ä".repeat(5000) : "",
    }));
    visit.ended_at = new Date(Date.now() - (20 - order) * 60000).toISOString();
    visit.state = "queued";
    visit.queued_at = visit.ended_at;
    await db.saveVisit(visit);
    ids.push(visit.id);
  }
  return ids;
}"""


def test_one_oversized_visit_among_three_queued_holds_back_neither_of_the_others(phone, shopper, store):
    page = phone.login(shopper)
    wait_for_service_worker(page)
    phone.go_offline()
    small, oversized, last = page.evaluate(QUEUE_THREE, {"owner": shopper.username, "store": store.code})
    page.reload()
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(3)

    bodies = []
    phone.go_online()
    page.on(
        "request",
        lambda request: bodies.append(len(request.post_data_buffer or b"")) if "visits/sync" in request.url else None,
    )
    page.get_by_role("button", name="Send now").click()

    expect(page.locator("#visit-list li[data-state=synced]")).to_have_count(2)
    refused = page.locator(f'#visit-list li[data-visit-id="{oversized}"]')
    expect(refused).to_have_attribute("data-state", "too_large")
    expect(refused).to_contain_text("Needs a fix")
    expect(refused).to_contain_text("larger than the server accepts (256 KB)")
    assert {str(pk) for pk in Visit.objects.values_list("pk", flat=True)} == {small, last}
    assert bodies and max(bodies) <= 256 * 1024  # the oversized one was never sent
    assert stored_visits() == 2


def test_a_refused_server_backs_off_and_the_visit_stays_queued(phone, shopper, store):
    page = phone.login(shopper)
    calls = []

    def server_down(route):
        calls.append(route.request.url)
        route.fulfill(status=503, body="{}", content_type="application/json")

    phone.context.route("**/api/v1/visits/sync/", server_down)
    page.evaluate(
        QUEUE_THREE.replace("[[0, 1], [1, 50], [2, 1]]", "[[0, 1]]"), {"owner": shopper.username, "store": store.code}
    )
    page.reload()  # opening the app sends the queue
    expect(page.locator("#banner")).to_contain_text("The server could not answer")
    attempts = page.evaluate(f"""async () => {{
      const db = await import("/static/mobile/db.js");
      const [visit] = await db.visitsOf({shopper.username!r});
      return {{ attempts: visit.attempts, wait: visit.next_try_at - Date.now(), state: visit.state }};
    }}""")
    assert attempts["state"] == "queued"
    # On a slow machine the first backoff (2.5-5 s) may already have run out and been retried:
    # every refused send is counted, and the next one waits the backoff of that many attempts.
    tries = attempts["attempts"]
    assert tries >= 1
    assert tries <= len(calls) <= tries + 1  # a retry may be in flight as we look
    assert 0 < attempts["wait"] <= 5000 * 2 ** (tries - 1)  # doubling from 5 s, half of it random
