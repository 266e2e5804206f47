"""Head office in a desktop browser: the import preview of a stores file, and the review queue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from observations.models import VisitStatus
from stores.models import Store

from ..factories import UserFactory, submit_visit
from ..imports.files import STORE_COLUMNS, csv_text, store_rows
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()

    def login(user, next_url: str):
        page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
        page.get_by_label("User name").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        return page

    yield login
    context.close()


def test_head_office_previews_a_stores_file_sees_the_refused_row_and_then_confirms(
    desk, head_office, region, rubric, tmp_path
):
    rows = store_rows(12, ["north"])
    rows[3]["region"] = "atlantis"
    bad = tmp_path / "stores.csv"
    bad.write_text(csv_text(STORE_COLUMNS, rows))
    page = desk(head_office, "/admin/stores/store/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    # the reason is shown in the refused row itself (no hover: a tablet has none)
    refused = page.locator("#import-refused tbody tr")
    expect(refused).to_have_count(1)
    expect(refused.locator("td").first).to_have_text("4")
    expect(refused.get_by_text("Unknown region code “atlantis”.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert not Store.objects.exists()

    rows[3]["region"] = "north"
    good = tmp_path / "stores-fixed.csv"
    good.write_text(csv_text(STORE_COLUMNS, rows))
    page.get_by_role("link", name="Import another file").click()
    # the format chosen stays chosen for the fixed file
    assert page.get_by_label("Format").evaluate("select => select.selectedOptions[0].textContent.trim()") == "csv"
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#import-totals")).to_contain_text("New: 12")
    expect(page.locator("#import-refused")).to_have_count(0)
    assert not Store.objects.exists()  # the preview wrote nothing
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator("#import-job")).to_have_attribute("data-state", "done")
    expect(page.locator("#import-totals")).to_contain_text("New: 12")
    assert Store.objects.count() == 12


def test_a_supervisor_approves_unflagged_visits_together_and_undoes_it(desk, supervisor, store, rubric):
    flagged = submit_visit(observer=UserFactory(username="shopper-a", stores=[store]), store=store, minutes=2)
    plain = [submit_visit(observer=UserFactory(username=f"shopper-{n}", stores=[store]), store=store) for n in "bc"]
    page = desk(supervisor, "/review/")
    expect(page.locator("#queue-count")).to_have_text("3 visits wait for a decision.")
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator(f"#visit-{flagged.pk}")).to_contain_text("Visit duration is implausible")

    assert page.locator("input[name=visit]:checked").count() == 0  # nothing ticked for the reviewer
    page.get_by_role("link", name="Select all unflagged visits on this page (2)").click()
    expect(page.locator("input[name=visit]:checked")).to_have_count(2)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Approve the ticked visits").click()
    expect(page.locator("#queue-count")).to_have_text("1 visit waits for a decision.")
    assert asked == [
        "Approve 2 visits? They count in the reports from now on, and their notes reach the store managers."
    ]
    expect(page.locator("tbody tr")).to_have_count(1)
    assert {v.status for v in type(flagged).objects.filter(pk__in=[p.pk for p in plain])} == {VisitStatus.APPROVED}

    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#queue-count")).to_have_text("3 visits wait for a decision.")

    row = page.locator(f"#visit-{flagged.pk}")
    row.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Note: is required when rejecting a visit.")).to_be_visible()
    page.locator(f"#note-{flagged.pk}").fill("Two minutes is not a visit.")
    page.locator(f"#visit-{flagged.pk}").get_by_role("button", name="Reject").click()
    expect(page.locator("#queue-count")).to_have_text("2 visits wait for a decision.")
    page.get_by_role("combobox", name="Flag").select_option("flagged")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#queue-count")).to_have_text("0 visits wait for a decision.")
