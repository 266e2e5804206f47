from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import Visit

from .conftest import record_pleasant_visit, stored_visits, wait_for_draft_stored, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visit_finished_offline_survives_reloads_and_is_stored_once_when_back_online(phone, shopper, store):
    page = phone.login(shopper)
    wait_for_service_worker(page)
    record_pleasant_visit(page)
    wait_for_draft_stored(page, smile=5)

    phone.go_offline()
    response = page.reload()
    assert response.from_service_worker  # the app shell opens with no connection
    expect(page.locator("#net")).to_have_text("Offline")
    first = page.locator('#contacts > li[data-index="0"]')
    expect(first.get_by_label("Seconds until I was greeted")).to_have_value("10")  # the draft survived
    expect(first.get_by_label("5 – warm, genuine smile")).to_be_checked()
    page.get_by_role("button", name="Back to the store screen").click()
    page.get_by_role("button", name="+ Contact").click()
    page.get_by_role("button", name="3 – neutral").click()
    page.get_by_role("button", name="I left").click()
    page.get_by_role("button", name="Submit visit").click()
    queued = page.locator("#visit-list li[data-state=queued]")
    expect(queued).to_contain_text("Queued")

    page.reload()
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(1)
    expect(page.locator("#queue-status")).to_contain_text("1 visit saved on this phone")
    assert stored_visits() == 0

    phone.go_online()
    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI")
    visit = Visit.objects.get()
    assert visit.interactions.count() == 2
    assert phone.errors == []


def confirm_and_submit(page):
    page.get_by_role("button", name="Submit visit").click()


def submit_pleasant_visit(page):
    record_pleasant_visit(page)
    confirm_and_submit(page)


def test_lost_response_is_retried_and_stores_the_visit_once(phone, shopper, store):
    page = phone.login(shopper)
    answers = []

    def store_then_lose_the_answer(route):
        # The request reaches the server and the visit is stored, but the phone never hears back.
        answers.append(route.fetch().json())
        route.abort("connectionreset")

    phone.context.route("**/api/v1/visits/sync/", store_then_lose_the_answer)
    submit_pleasant_visit(page)

    expect(page.locator("#net")).to_have_text("Offline")  # the phone saw the connection drop
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(1)
    assert [result["status"] for result in answers[0]["results"]] == ["created"]
    assert stored_visits() == 1

    phone.context.unroute("**/api/v1/visits/sync/")
    with page.expect_response("**/api/v1/visits/sync/") as retry:
        page.get_by_role("button", name="Send now").click()
    assert [result["status"] for result in retry.value.json()["results"]] == ["already_stored"]
    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI 100.0")
    assert stored_visits() == 1


def test_visit_queued_in_a_closed_tab_is_sent_when_the_form_is_next_opened(phone, shopper, store):
    page = phone.login(shopper)
    record_pleasant_visit(page)
    phone.go_offline()
    confirm_and_submit(page)
    expect(page.locator("#visit-list li[data-state=queued]")).to_have_count(1)
    page.close()
    assert stored_visits() == 0  # the tab is gone and it was never sent

    # Back online, a request the closed tab left paused in the test's offline route may still
    # reach the server; either way, opening the form must show the visit as sent, and once.
    phone.go_online()
    page = phone.context.new_page()
    page.goto("/m/")
    expect(page.locator("#visit-list li[data-state=synced]")).to_contain_text("SOI 100.0")
    assert stored_visits() == 1
