"""A week reaches store managers only once it is published (Monday 06:00 store-local by default):
nothing of the week in progress in any output a manager can reach. Staff see it, marked."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching import notices
from coaching.models import ActionPlan, NoticeKind, PlanNotice, PlanState, Reason
from notifications import emails
from notifications import services as notifications
from notifications.models import ReportDelivery, ReportKind
from reports.periods import monday_of, week_label
from reports.publication import WeekNotPublished, is_published, latest_published_week, published_at
from stores.models import User

from ..factories import UserFactory, interaction_input, submit_visit
from .conftest import review

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;"]*')
LIVE_NOTE = "Live week: the shopper stood at the till at half past ten."
PAST_NOTE = "Published week: a warm welcome at the door."


def test_a_week_is_published_on_the_monday_after_it_at_six_store_local():
    week = dt.date(2026, 11, 16)
    assert published_at(week, BERLIN) == dt.datetime(2026, 11, 23, 6, 0, tzinfo=BERLIN)
    assert published_at(week, ZoneInfo("America/New_York")) == dt.datetime(
        2026, 11, 23, 6, 0, tzinfo=ZoneInfo("America/New_York")
    )
    assert not is_published(week, BERLIN, dt.datetime(2026, 11, 23, 5, 59, tzinfo=BERLIN))
    assert is_published(week, BERLIN, dt.datetime(2026, 11, 23, 6, 0, tzinfo=BERLIN))


def test_the_publication_delay_is_a_setting(settings):
    settings.OASIS_PUBLISH_DELAY_HOURS = 30
    assert published_at(dt.date(2026, 11, 16), BERLIN) == dt.datetime(2026, 11, 24, 6, 0, tzinfo=BERLIN)


def test_monday_six_stays_six_across_the_change_to_summer_time():
    # 29 March 2026: clocks go forward in Berlin during the Sunday night
    assert published_at(dt.date(2026, 3, 23), BERLIN).hour == 6


def test_before_monday_six_the_latest_published_week_is_the_one_before_last():
    assert latest_published_week(BERLIN, dt.datetime(2026, 11, 23, 5, 59, tzinfo=BERLIN)) == dt.date(2026, 11, 9)
    assert latest_published_week(BERLIN, dt.datetime(2026, 11, 23, 6, 0, tzinfo=BERLIN)) == dt.date(2026, 11, 16)


@pytest.fixture
def live_and_past(store, shopper, supervisor):
    """A reviewed visit with a note in the week in progress (right now), and one in a published week."""
    now = timezone.now()
    live = submit_visit(
        observer=shopper,
        store=store,
        started_at=now - dt.timedelta(minutes=30),
        minutes=20,
        notes=LIVE_NOTE,
        interactions=[interaction_input(smile=1, greeted=False, greeting_seconds=None, greeting_personal=False)],
        now=now,
    )
    review(live, supervisor, "approve")
    past_week = latest_published_week(store.tzinfo, now)
    started = dt.datetime.combine(past_week + dt.timedelta(days=2), dt.time(11), tzinfo=store.tzinfo)
    past = submit_visit(
        observer=shopper, store=store, started_at=started, notes=PAST_NOTE, now=started + dt.timedelta(hours=1)
    )
    review(past, supervisor, "approve")
    return live, past


def manager_outputs(client: Client, query: dict, *, plan: ActionPlan | None = None) -> dict[str, tuple[int, str]]:
    """Every output a manager can reach, by name: (status, body). The store's report (JSON, CSV, the
    page in both languages) for `query`; with a plan, also its pages and the plans' list in both
    languages, the plan API (list and plan), the plan's e-mails to the manager and the store's weekly
    e-mail of the latest published week, in both languages (CSRF tokens removed)."""
    api = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    outputs = [
        ("json", api, {}, {}),
        ("csv", api, {"format": "csv"}, {}),
        ("page-en", page, {}, {"accept-language": "en"}),
        ("page-de", page, {}, {"accept-language": "de"}),
    ]
    if plan is not None:
        query_free = [
            ("plans-page-en", reverse("coaching:plans"), {"accept-language": "en"}),
            ("plans-page-de", reverse("coaching:plans"), {"accept-language": "de"}),
            ("plan-page-en", reverse("coaching:plan", args=[plan.pk]), {"accept-language": "en"}),
            ("plan-page-de", reverse("coaching:plan", args=[plan.pk]), {"accept-language": "de"}),
            ("plans-api", "/api/v1/action-plans/", {}),
            ("plan-api", f"/api/v1/action-plans/{plan.pk}/", {}),
        ]
    found = {}
    for name, url, extra, headers in outputs:
        response = client.get(url, {**query, **extra}, headers=headers)
        found[name] = (response.status_code, CSRF.sub("", response.content.decode()))
    if plan is None:
        return found
    for name, url, headers in query_free:
        response = client.get(url, headers=headers)
        found[name] = (response.status_code, CSRF.sub("", response.content.decode()))
    manager = User.objects.get(pk=client.session["_auth_user_id"])
    store = plan.store
    for language in ("en", "de"):
        manager.language = language
        for kind in NoticeKind.values:
            email = notices.message(PlanNotice(plan=plan, kind=kind, round=plan.round, recipient=manager))
            found[f"plan-email-{kind}-{language}"] = (200, f"{email.subject}\n{email.body}\n{email.alternatives[0][0]}")
        weekly = emails.report_message(
            ReportDelivery(
                kind=ReportKind.STORE_WEEKLY,
                store=store,
                week_start=latest_published_week(store.tzinfo),
                recipient=manager,
            )
        )
        found[f"weekly-email-{language}"] = (200, f"{weekly.subject}\n{weekly.body}\n{weekly.alternatives[0][0]}")
    return found


def test_a_manager_gets_nothing_of_the_week_in_progress_from_any_output(client, manager, live_and_past):
    live, _past = live_and_past
    client.force_login(manager)
    for name, (status, _body) in manager_outputs(client, {"week": week_label(live.week_start)}).items():
        assert status == 404, f"{name} answered {status} for the week in progress"


def test_a_managers_default_report_is_the_latest_published_week_without_the_live_visit(client, manager, live_and_past):
    live, past = live_and_past
    client.force_login(manager)
    outputs = manager_outputs(client, {})
    for name, (status, body) in outputs.items():
        assert status == 200, name
        assert LIVE_NOTE not in body, f"the live week's note reached a manager through {name}"
        assert week_label(live.week_start) not in body, f"the live week shows in {name}"
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"})).json()
    assert (report["week"], report["n_visits"], report["in_progress"]) == (week_label(past.week_start), 1, False)
    assert [point["week"] for point in report["trend"]][-1] == week_label(past.week_start)
    assert PAST_NOTE in outputs["page-en"][1] and PAST_NOTE in outputs["page-de"][1]
    assert "Published" in outputs["page-en"][1] and "Veröffentlicht" in outputs["page-de"][1]


def test_the_weekly_email_waits_for_publication_and_never_carries_the_live_week(store, settings, shopper, supervisor):
    manager = UserFactory(username="mail-manager", role="manager", stores=[store], email="m@x.example", language="de")
    week = dt.date(2026, 11, 16)
    started = dt.datetime(2026, 11, 22, 11, 0, tzinfo=BERLIN)
    review(
        submit_visit(
            observer=shopper, store=store, started_at=started, notes=PAST_NOTE, now=started + dt.timedelta(hours=1)
        ),
        supervisor,
        "approve",
    )
    settings.OASIS_PUBLISH_DELAY_HOURS = 9  # published Monday 09:00, after the usual 07:00 sending time
    assert notifications.weekly_report_deliveries_due(dt.datetime(2026, 11, 23, 7, 5, tzinfo=BERLIN)) == []
    due = notifications.weekly_report_deliveries_due(dt.datetime(2026, 11, 23, 9, 5, tzinfo=BERLIN))
    assert len(due) == 1
    notifications.deliver_report(due[0])
    [message] = mail.outbox
    assert week_label(week) in message.subject
    # A store e-mail of a week not yet published cannot even be rendered for its manager.
    live = ReportDelivery.objects.create(
        kind=ReportKind.STORE_WEEKLY, store=store, week_start=monday_of(timezone.now().date()), recipient=manager
    )
    with pytest.raises(WeekNotPublished):
        emails.report_message(live)


@pytest.mark.parametrize("language", ["en", "de"])
def test_head_office_sees_the_live_week_marked_in_progress(client, head_office, live_and_past, language):
    live, _past = live_and_past
    client.force_login(head_office)
    week = week_label(live.week_start)
    report = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": week}).json()
    assert (report["in_progress"], report["n_visits"]) == (True, 1)
    page = client.get(
        reverse("reports:store", kwargs={"code": "ber-mitte"}), {"week": week}, headers={"accept-language": language}
    )
    assert ("In progress" if language == "en" else "Laufende Woche") in page.content.decode()
    branches = client.get("/api/v1/reports/branches/", {"week": week}).json()
    assert branches["in_progress"] is True


def test_region_and_company_of_a_week_reach_a_manager_once_every_stores_week_is_published(
    store, region, shopper, manager, head_office
):
    """At Monday 06:00 in Berlin a New York store's week still runs (midnight there): the manager
    in Berlin reads the store's own week, without the region, company and rank it would move."""
    from reports.publication import Audience
    from reports.store_report import store_weekly_report

    from ..factories import StoreFactory

    new_york = StoreFactory(code="nyc", region=region, timezone="America/New_York")
    shopper.stores.add(new_york)
    week = dt.date(2026, 11, 16)
    for where in (store, new_york):
        started = dt.datetime(2026, 11, 18, 11, tzinfo=where.tzinfo)
        submit_visit(observer=shopper, store=where, started_at=started, now=started + dt.timedelta(hours=1))
    berlin_monday, new_york_monday = published_at(week, BERLIN), published_at(week, new_york.tzinfo)

    def report(audience, now):
        return store_weekly_report(store=store, week_start=week, approved_only=False, audience=audience, now=now)

    early = report(Audience.MANAGER, berlin_monday)
    assert early.figures.n_visits == 1
    assert (early.region.soi, early.company.soi, early.rank) == (None, None, None)
    assert early.trend[-1].region_soi is None and early.trend[-1].company_soi is None
    assert early.comparison_from == new_york_monday

    later = report(Audience.MANAGER, new_york_monday)
    assert later.comparison_from is None
    assert (later.company.n_visits, later.region.n_visits, later.rank, later.n_ranked) == (2, 2, 1, 2)
    staff = report(Audience.STAFF, berlin_monday)
    assert staff.comparison_from is None and staff.company.n_visits == 2

    client = Client()
    client.force_login(manager)
    with mock.patch("django.utils.timezone.now", return_value=berlin_monday):
        page = client.get(reverse("reports:store", kwargs={"code": store.code}), {"week": week_label(week)})
    assert "Region and company figures and the rank of this week follow from" in page.content.decode()


# Monday 03:00 in Berlin: W47 (16-22 November 2026) is over but published only at 06:00, W48 runs.
MONDAY_BEFORE_PUBLICATION = dt.datetime(2026, 11, 23, 3, 0, tzinfo=BERLIN)


@pytest.fixture
def plan_with_weeks_after(store, shopper, supervisor, manager):
    """An accepted plan opened on W43 (submitted in W44), with reviewed visits before it and in
    the published weeks after it (W45, W46)."""
    for day, smile in (
        (dt.date(2026, 9, 22), 2),
        (dt.date(2026, 10, 1), 3),
        (dt.date(2026, 11, 3), 4),
        (dt.date(2026, 11, 11), 5),
    ):
        started = dt.datetime.combine(day, dt.time(11), tzinfo=BERLIN)
        review(
            submit_visit(
                observer=shopper,
                store=store,
                started_at=started,
                notes=PAST_NOTE,
                interactions=[interaction_input(smile=smile)],
                now=started + dt.timedelta(hours=1),
            ),
            supervisor,
            "approve",
        )
    return ActionPlan.objects.create(
        store=store,
        week_start=dt.date(2026, 10, 19),
        reason=Reason.DESERT,
        focus="smile",
        actions="Greet each other with a smile every morning.",
        owner="Tom",
        due_date=dt.date(2026, 12, 18),
        state=PlanState.ACCEPTED,
        round=1,
        supervisor_note="Good plan.",
        submitted_at=dt.datetime(2026, 10, 28, 9, tzinfo=BERLIN),
        submitted_by=manager,
        decided_at=dt.datetime(2026, 10, 29, 9, tzinfo=BERLIN),
        decided_by=supervisor,
    )


def test_a_visit_in_a_week_not_yet_published_changes_nothing_a_manager_can_fetch_reports_plans_or_emails(
    client, manager, store, shopper, supervisor, plan_with_weeks_after
):
    """Reports (JSON, CSV, pages), plan pages and API, plan e-mails and the weekly e-mail: a reviewed
    visit on the Sunday of the week not yet published, and one in the running week, move nothing."""
    client.force_login(manager)
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_BEFORE_PUBLICATION):
        before = manager_outputs(client, {}, plan=plan_with_weeks_after)
        for started in (dt.datetime(2026, 11, 22, 18, tzinfo=BERLIN), dt.datetime(2026, 11, 23, 1, tzinfo=BERLIN)):
            live = submit_visit(
                observer=shopper,
                store=store,
                started_at=started,
                minutes=20,
                notes=LIVE_NOTE,
                interactions=[
                    interaction_input(smile=1, greeted=False, greeting_seconds=None, greeting_personal=False)
                ],
                now=MONDAY_BEFORE_PUBLICATION,
            )
            review(live, supervisor, "approve")
        after = manager_outputs(client, {}, plan=plan_with_weeks_after)
    assert len(before) == 4 + 6 + 2 * (len(NoticeKind.values) + 1)
    for name, (status, body) in before.items():
        assert status == 200, name
        assert after[name] == (status, body), f"{name} changed for a manager before the week was published"
        assert LIVE_NOTE not in after[name][1], name


def test_a_managers_plan_email_of_a_week_not_yet_published_waits_for_it(store, manager, supervisor):
    """A plan opened on a week before it is published to the store's manager (not the product's
    own opening, which waits for publication) tells them nothing until it is: their notice waits
    and cannot be rendered; the supervisor's goes out."""
    manager.email, supervisor.email = "m@x.example", "s@x.example"
    manager.save(), supervisor.save()
    plan = ActionPlan.objects.create(store=store, week_start=dt.date(2026, 11, 16), reason=Reason.DESERT, focus="smile")
    notices.record(plan, NoticeKind.OPENED, [manager, supervisor])
    to_manager, to_supervisor = (
        PlanNotice.objects.get(plan=plan, recipient=person).pk for person in (manager, supervisor)
    )
    mail.outbox.clear()
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_BEFORE_PUBLICATION):
        assert notices.deliver(to_manager) == notices.WAITING
        with pytest.raises(WeekNotPublished):
            notices.message(PlanNotice.objects.get(pk=to_manager))
        assert notices.deliver(to_supervisor) == "sent"
    assert [message.to for message in mail.outbox] == [["s@x.example"]]
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_BEFORE_PUBLICATION + dt.timedelta(hours=3)):
        assert notices.deliver(to_manager) == "sent"
    assert [message.to for message in mail.outbox] == [["s@x.example"], ["m@x.example"]]
