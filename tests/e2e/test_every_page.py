"""Every page of every role, in a real browser: each role's home reaches each of its pages in at
most two clicks; no page scrolls sideways on a 390 px phone, in English or German; the homes pass an
axe scan; a store manager is told when the running week appears.

`pages_of` is the one list of what each role works with; the layout checks read it, so a new page
joins them by being added there."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import ActionPlan, PlanState, Reason
from planning.models import Assignment
from planning.services import WaveInput, wave_create, wave_plan, wave_publish
from reports.publication import latest_published_week
from stores.models import Role
from stores.services import user_apply_role

from ..factories import StoreFactory, UserFactory, submit_visit
from .conftest import PASSWORD
from .test_accessibility import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LOCALES = {"en": "en-GB", "de": "de-DE"}


@pytest.fixture
def world(rubric, region):
    """A small company with something on every page: a report week, a visit to review, a plan
    awaiting the supervisor, a published wave with assignments."""
    store = StoreFactory(code="ber-mitte", name="Berlin Mitte Alexanderplatz", region=region)
    other = StoreFactory(code="ber-ost", name="Berlin Ostbahnhof", region=region)
    people = {
        "shopper": UserFactory(username="shopper-anna", role=Role.SHOPPER, stores=[store, other]),
        "supervisor": UserFactory(username="supervisor-ben", role=Role.SUPERVISOR, regions=[region]),
        "manager": UserFactory(username="manager-carla", role=Role.MANAGER, stores=[store]),
        "head_office": user_apply_role(user=UserFactory(username="head-dora", role=Role.HEAD_OFFICE)),
    }
    week = latest_published_week(store.tzinfo)
    started = dt.datetime.combine(week + dt.timedelta(days=2), dt.time(11), tzinfo=store.tzinfo)
    for minutes in (2, 20):  # one flagged, one not
        submit_visit(observer=people["shopper"], store=store, started_at=started, minutes=minutes)
    submit_visit(observer=people["supervisor"], store=store, started_at=started + dt.timedelta(hours=2))
    plan = ActionPlan.objects.create(
        store=store,
        week_start=week,
        reason=Reason.DESERT,
        focus="smile",
        state=PlanState.SUBMITTED,
        actions="Smile at every customer at the door, and say where you can be found.",
        owner="Carla",
        due_date=timezone.localdate() + dt.timedelta(weeks=3),
        submitted_at=timezone.now(),
    )
    today = timezone.localdate()
    wave = wave_create(
        by=people["head_office"],
        data=WaveInput(
            name="Winter wave in the north",
            starts_on=today,
            ends_on=today + dt.timedelta(days=20),
            region_ids=(region.pk,),
            target_kind="fixed",
            fixed_visits=2,
            min_visits=1,
            lockout_days=0,
        ),
    )
    wave_plan(wave=wave, by=people["head_office"])
    wave_publish(wave=wave, by=people["head_office"])
    assignment = Assignment.objects.filter(wave=wave).order_by("pk").first()
    # a draft that one shopper cannot staff: its page says why and what would (and lists holidays)
    short = wave_create(
        by=people["head_office"],
        data=WaveInput(
            name="Draft wave without enough shoppers",
            starts_on=today,
            ends_on=today + dt.timedelta(days=27),
            region_ids=(region.pk,),
            target_kind="fixed",
            fixed_visits=6,
            min_visits=1,
            lockout_days=30,
        ),
    )
    wave_plan(wave=short, by=people["head_office"])
    return {
        "people": people,
        "store": store,
        "plan": plan,
        "wave": wave,
        "assignment": assignment,
        "short_wave": short,
    }


def pages_of(role: str, world) -> list[str]:
    """The pages a role works with (the admin's own pages aside, which Django draws)."""
    store, plan, wave = world["store"], world["plan"], world["wave"]
    staff = [
        "/",
        "/reports/branches/",
        f"/reports/stores/{store.code}/",
        "/action-plans/",
        f"/action-plans/{plan.pk}/",
        "/review/",
        "/planning/",
        f"/planning/waves/{wave.pk}/",
        f"/planning/waves/{wave.pk}/coverage/",
        "/m/",
        "/accounts/password/",
    ]
    return {
        "shopper": ["/m/", "/accounts/password/"],
        "manager": [
            "/",
            f"/reports/stores/{store.code}/",
            "/action-plans/",
            f"/action-plans/{plan.pk}/",
            "/accounts/password/",
        ],
        "supervisor": staff,
        "head_office": [*staff, "/planning/waves/new/", "/admin/"],
    }[role]


# Pages one step further than two clicks, checked for their layout only.
def deeper_pages_of(role: str, world) -> list[str]:
    if role != "head_office":
        return []
    return [
        f"/planning/waves/{world['wave'].pk}/assignments/{world['assignment'].pk}/",
        f"/planning/waves/{world['short_wave'].pk}/",
    ]


def violations(page) -> list[str]:
    """Every axe violation, whatever its impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']]}"
        for item in results["violations"]
    ]


def horizontal_overflow(page) -> tuple[int, list[str]]:
    """How many pixels the page is wider than the screen, and the elements that stick out."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 0.5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className + ' '
                     + Math.round(el.getBoundingClientRect().right));
            return [document.documentElement.scrollWidth - width, wide.slice(0, 8)];
        }"""
    )


def log_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")


def visible_links(page, base_url: str) -> set[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.filter(a => a.offsetParent !== null || a.getClientRects().length).map(a => a.href)"
    )
    return {urlsplit(href).path for href in hrefs if href.startswith(base_url)}


@pytest.mark.parametrize("role", ["shopper", "manager", "supervisor", "head_office"])
def test_each_roles_home_reaches_each_of_its_pages_in_two_clicks(browser, live_server, world, role):
    context = browser.new_context(**DESKTOP, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server.url, world["people"][role])
    home = urlsplit(page.url).path
    one_click = visible_links(page, live_server.url)
    two_clicks = set(one_click)
    for path in sorted(one_click):
        if path.startswith(("/admin/", "/api/", "/static/", "/i18n/")) or path in (home, "/accounts/my-data/"):
            continue
        page.goto(f"{live_server.url}{path}")
        two_clicks |= visible_links(page, live_server.url)
    missing = [path for path in pages_of(role, world) if path != home and path not in two_clicks]
    context.close()
    assert missing == []


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("role", ["shopper", "manager", "supervisor", "head_office"])
def test_no_page_of_any_role_scrolls_sideways_at_390_px(browser, live_server, world, role, language):
    context = browser.new_context(**PHONE_390, locale=LOCALES[language], timezone_id="Europe/Berlin")
    host = urlsplit(live_server.url).hostname
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, world["people"][role])
    too_wide = {}
    for path in [*pages_of(role, world), *deeper_pages_of(role, world)]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, (path, response.status)
        if path == "/m/":
            page.wait_for_selector("#screen-home:not([hidden])")
        assert page.evaluate("() => document.documentElement.lang").startswith(language), path
        overflow, sticking_out = horizontal_overflow(page)
        if overflow > 0:
            too_wide[path] = (overflow, sticking_out)
    context.close()
    assert too_wide == {}
    assert errors == []


@pytest.mark.parametrize("role", ["shopper", "manager", "supervisor", "head_office"])
def test_each_roles_home_has_no_accessibility_violations(browser, live_server, world, role):
    context = browser.new_context(**PHONE_390, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, world["people"][role])
    if role == "shopper":
        page.wait_for_selector("#screen-home:not([hidden])")
    found = violations(page)
    page.set_viewport_size(DESKTOP["viewport"])
    found += violations(page)
    context.close()
    assert found == []


def test_a_manager_is_told_when_the_running_week_appears(browser, live_server, world):
    store = world["store"]
    running = latest_published_week(store.tzinfo) + dt.timedelta(weeks=1)
    year, week, _ = running.isocalendar()
    context = browser.new_context(**PHONE_390, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server.url, world["people"]["manager"])
    page.get_by_role("link", name="Weekly report").first.click()
    expect(page.locator("#running-week")).to_contain_text(f"Week {week}, {year} is still running: it appears here on")
    options = page.locator("#week-pick option").all_inner_texts()
    assert not any(f"Week {week}, {year}" in option for option in options)

    page.goto(f"{live_server.url}/reports/stores/{store.code}/?week={year}-W{week:02d}")
    expect(page.get_by_role("heading", name=f"Week {week}, {year} is not published yet")).to_be_visible()
    page.get_by_role("link", name="the latest published week").click()
    expect(page.locator("#running-week")).to_be_visible()
    context.close()
