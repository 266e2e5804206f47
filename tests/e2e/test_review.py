from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import VisitStatus
from stores.models import Role

from ..factories import UserFactory, submit_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_reviews_flagged_visits_first_and_the_shopper_sees_the_decision(phone, supervisor, shopper, store):
    other_shopper = UserFactory(username="shopper-emil", role=Role.SHOPPER, stores=[store])
    calm = submit_visit(observer=other_shopper, store=store, minutes=25)
    rushed = submit_visit(observer=shopper, store=store, minutes=2)  # too short to be plausible
    assert rushed.flags and not calm.flags

    page = phone.login(supervisor)
    expect(page.locator("#review-count")).to_have_text("(2)")  # the count is the list's length
    page.get_by_role("button", name="Review shopper visits").click()
    items = page.locator("#review-list > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-visit-id", str(rushed.pk))
    expect(items.nth(0).locator(".flags li")).to_have_count(len(rushed.flags))
    expect(items.nth(1)).to_have_attribute("data-visit-id", str(calm.pk))

    first = items.nth(0)
    first.get_by_role("button", name="Reject").click()
    expect(first.get_by_role("textbox", name="Note")).to_have_attribute("aria-invalid", "true")
    expect(first.locator(".field-error")).to_have_text("Say why you reject the visit.")
    first.get_by_role("textbox", name="Note").fill("Two minutes is not a visit.")
    first.get_by_role("button", name="Reject").click()
    expect(page.locator("#review-status")).to_have_text("Visit rejected.")
    expect(page.locator("#review-count")).to_have_text("(1)")  # and follows each decision
    page.locator(f'#review-list > li[data-visit-id="{calm.pk}"]').get_by_role("button", name="Approve").click()
    expect(page.locator("#review-status")).to_have_text("Visit approved.")
    expect(items).to_have_count(0)
    expect(page.locator("#review-count")).to_have_text("")

    rushed.refresh_from_db()
    calm.refresh_from_db()
    assert (rushed.status, rushed.review_note, rushed.reviewed_by) == (
        VisitStatus.REJECTED,
        "Two minutes is not a visit.",
        supervisor,
    )
    assert calm.status == VisitStatus.APPROVED

    page.get_by_role("button", name="Back to my visits").click()
    phone.log_out()
    page = phone.login(shopper)
    mine = page.locator(f'#visit-list li[data-visit-id="{rushed.pk}"]')
    expect(mine).to_contain_text("Rejected by the reviewer: Two minutes is not a visit.")
    expect(page.locator("#visit-list > li")).to_have_count(1)  # only the shopper's own visit
    expect(page.get_by_role("button", name="Review shopper visits")).to_be_hidden()


def test_supervisor_filters_the_queue_on_the_phone_and_the_count_says_what_is_listed(phone, supervisor, shopper, store):
    other_shopper = UserFactory(username="shopper-emil", role=Role.SHOPPER, stores=[store])
    calm = submit_visit(observer=other_shopper, store=store, minutes=25)
    rushed = submit_visit(observer=shopper, store=store, minutes=2)  # too short to be plausible

    page = phone.login(supervisor)
    expect(page.locator("#review-count")).to_have_text("(2)")
    page.get_by_role("button", name="Review shopper visits").click()
    items = page.locator("#review-list > li")
    expect(items).to_have_count(2)

    page.get_by_label("Flags").select_option("unflagged")
    page.get_by_role("button", name="Show").click()
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_have_attribute("data-visit-id", str(calm.pk))
    expect(page.locator("#review-status")).to_have_text("1 visit to review.")
    expect(page.locator("#review-count")).to_have_text("(2)")  # the home button counts the whole queue

    page.get_by_label("Flags").select_option("flagged")
    page.get_by_label("Waiting at least (days)").fill("3")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#review-status")).to_have_text("Nothing to review.")
    expect(items).to_have_count(0)

    page.get_by_label("Waiting at least (days)").fill("")
    page.get_by_role("button", name="Show").click()
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_have_attribute("data-visit-id", str(rushed.pk))
