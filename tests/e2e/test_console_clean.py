"""Head office's pages built by other libraries (the admin's import, the API's documentation) load
and work without a script error or a Content Security Policy violation in the console."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..imports.files import STORE_COLUMNS, csv_text, store_rows
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def head_office_desk(browser, live_server, head_office, rubric):
    """A desktop browser logged in as head office, collecting every console error, uncaught script
    error and CSP violation (reported both as a console error and as a securitypolicyviolation event)."""
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`))"
    )
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(head_office.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    yield page
    context.close()


def test_the_api_documentation_renders_without_console_errors(head_office_desk):
    page = head_office_desk
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()  # the schema was fetched and drawn
    page.wait_for_load_state("networkidle")
    assert page.problems == []


def test_the_admin_import_and_its_preview_run_without_console_errors(head_office_desk, region, tmp_path):
    page = head_office_desk
    rows = store_rows(3, ["north"])
    rows[1]["region"] = "atlantis"
    upload = tmp_path / "stores.csv"
    upload.write_text(csv_text(STORE_COLUMNS, rows))
    page.goto("/admin/stores/store/import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#import-refused tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Import another file").click()
    expect(page.locator("input[type=file]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.problems == []
