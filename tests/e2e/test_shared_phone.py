"""Two users on one phone: nothing of the first is shown to, or sent as, the second."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import Visit
from stores.models import Role

from ..factories import UserFactory
from .conftest import record_pleasant_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_users_on_one_phone_never_see_or_send_each_others_visits(phone, shopper, store):
    second = UserFactory(username="shopper-bea", first_name="Bea", role=Role.SHOPPER, stores=[store])
    page = phone.login(shopper)
    record_pleasant_visit(page)
    phone.go_offline()
    page.get_by_role("button", name="Submit visit").click()
    mine = page.locator("#visit-list li[data-state=queued]")
    expect(mine).to_have_count(1)
    first_visit = mine.get_attribute("data-visit-id")

    # The sync fails from here on, also the one the phone starts the moment it is back online: the
    # route is in place before the connection returns, so Anna's visit stays queued on the phone.
    phone.context.route("**/api/v1/visits/sync/", lambda route: route.abort("internetdisconnected"))
    phone.go_online()
    page.get_by_role("button", name="Log out").click()
    dialog = page.get_by_role("dialog", name="Unsent visits")
    expect(dialog).to_contain_text(f"1 visit of {shopper.first_name} is not sent yet")
    dialog.get_by_role("button", name="Keep them for me and log out").click()
    phone.context.unroute("**/api/v1/visits/sync/")

    sent = []
    phone.context.on(
        "request", lambda request: sent.append(request.post_data or "") if "visits/sync" in request.url else None
    )
    page = phone.login(second)
    expect(page.locator("#who")).to_have_text("Bea, mystery shopper")
    expect(page.locator("#visit-list > li")).to_have_count(0)
    expect(page.locator("#no-visits")).to_be_visible()
    page.get_by_role("button", name="Start visit now").click()
    page.get_by_role("button", name="I left").click()
    page.locator('#contacts > li[data-index="0"]').get_by_label("3 – neutral").check()
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=synced]")).to_have_count(1)
    assert all(first_visit not in body for body in sent)
    assert list(Visit.objects.values_list("observer__username", flat=True)) == ["shopper-bea"]

    phone.log_out()
    page = phone.login(shopper)  # the first user's visit waited for them, and goes now
    expect(page.locator(f'#visit-list li[data-visit-id="{first_visit}"]')).to_have_attribute("data-state", "synced")
    assert Visit.objects.get(pk=first_visit).observer == shopper
