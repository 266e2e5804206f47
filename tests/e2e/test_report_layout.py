"""The report pages on a phone (390 px) in English and German: chart text of at least 12 px as
rendered, and an axe scan without violations. Also the action plan pages. (That no page scrolls
sideways is checked for every page of every role in test_every_page.py.)"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from coaching.models import ActionPlan

from ..factories import UserFactory, interaction_input, submit_visit
from .conftest import PASSWORD, PHONE
from .test_accessibility import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = ZoneInfo("Europe/Berlin")
W47 = dt.date(2026, 11, 16)


def all_violations(page) -> list[str]:
    """Every axe violation, whatever its impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"[:160]
        for violation in results["violations"]
    ]


def smallest_chart_text(page) -> float:
    """The smallest rendered font size (CSS px) of any text in the page's SVG charts."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(text => {
            const svg = text.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(text).fontSize) * scale;
        }))"""
    )


@pytest.fixture
def reports_phone(browser, live_server, rubric):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def log_in(context, user, path: str, language: str):
    page = context.new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"/accounts/login/?next={path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state("load")
    return page


@pytest.fixture
def observed_store(store, other_store, shopper, supervisor):
    """Two weeks of visits in a store with a long name, and one in another region."""
    store.name = "Berlin Mitte Alexanderplatz Einkaufszentrum"
    store.save()
    poor = interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=2, followed=True)
    asked = interaction_input(asked=True, response_seconds=200, response_quality=2, special_request=True)
    for week, day, interactions in [
        (W47 - dt.timedelta(weeks=1), 1, [interaction_input()]),
        (W47, 1, [poor, asked]),
        (W47, 3, [poor, interaction_input(smile=3)]),
    ]:
        started = dt.datetime.combine(week + dt.timedelta(days=day), dt.time(11), tzinfo=BERLIN)
        submit_visit(
            observer=shopper,
            store=store,
            started_at=started,
            interactions=interactions,
            now=started + dt.timedelta(hours=1),
        )
    started = dt.datetime.combine(W47 + dt.timedelta(days=2), dt.time(11), tzinfo=BERLIN)
    submit_visit(observer=supervisor, store=other_store, started_at=started, now=started + dt.timedelta(hours=1))
    ActionPlan.objects.create(store=store, week_start=W47, reason="desert", focus="greeting", second_focus="hovering")
    return store


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_store_report_on_a_phone_reads_at_12_px_and_passes_axe(reports_phone, observed_store, language):
    manager = UserFactory(username=f"manager-{language}", role="manager", stores=[observed_store], language=language)
    page = log_in(reports_phone, manager, f"/reports/stores/{observed_store.code}/?week=2026-W47", language)
    expect(page.locator("h1")).to_contain_text("Berlin Mitte")
    expect(page.locator("#focus-title")).to_be_visible()
    assert smallest_chart_text(page) >= 12
    assert all_violations(page) == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_branch_comparison_on_a_phone_passes_axe(reports_phone, observed_store, head_office, language):
    page = log_in(reports_phone, head_office, "/reports/branches/?week=2026-W47", language)
    expect(page.locator("h1")).to_be_visible()
    assert all_violations(page) == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_action_plan_pages_on_a_phone_pass_axe(reports_phone, observed_store, language):
    manager = UserFactory(username=f"manager-{language}", role="manager", stores=[observed_store], language=language)
    plan = ActionPlan.objects.get(store=observed_store)
    page = log_in(reports_phone, manager, f"/action-plans/{plan.pk}/", language)
    expect(page.locator("form.plan-form")).to_be_visible()
    assert all_violations(page) == []
    page.goto("/action-plans/")
    assert all_violations(page) == []


# Words of table headers drawn on more than one line: broken mid-word ("Compan" / "y").
BROKEN_HEADER_WORDS = """() => {
    const broken = [];
    for (const th of document.querySelectorAll("th")) {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
                if (lines.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_table_header_of_the_reports_breaks_mid_word_on_a_phone(
    reports_phone, observed_store, head_office, language
):
    manager = UserFactory(username=f"manager-{language}", role="manager", stores=[observed_store], language=language)
    page = log_in(reports_phone, manager, f"/reports/stores/{observed_store.code}/?week=2026-W47", language)
    expect(page.locator("table.compare")).to_be_visible()
    assert page.evaluate(BROKEN_HEADER_WORDS) == []
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    branches = log_in(reports_phone, head_office, "/reports/branches/?week=2026-W47", language)
    expect(branches.locator("h1")).to_be_visible()
    assert branches.evaluate(BROKEN_HEADER_WORDS) == []
