"""A published week does not change under a manager's eyes: a visit of the week submitted late, a
review decision or a correction taken after its publication changes the live figures head office
and supervisors read at once, and reaches managers only at the store's next weekly publication,
the week then marked "revised on <that day>" in every output a manager can reach (page in English
and German, JSON, CSV, e-mail). The copies are made by the beat task through the outbox.

Every moment is fixed (Berlin time, never Monday between 00:00 and 06:00 real time: the clock is
the test's): W47 of 2026 (16-22 November) is published on Monday 23 November at 06:00, W48 on
Monday 30 November at 06:00."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.models import OutboxItem
from notifications import services as notifications
from notifications.models import ReportDelivery
from observations.models import VisitStatus
from project.beat import beat_schedule
from reports import tasks
from reports.models import PublishedStoreWeek, StorePublication
from reports.notes import manager_note_texts, notes_of
from reports.periods import week_label
from reports.publication import Audience

from ..factories import StoreFactory, UserFactory, interaction_input, submit_visit
from .conftest import COLD, MIXED, PERFECT, review

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
W47 = dt.date(2026, 11, 16)
W48 = dt.date(2026, 11, 23)
FIRST_PUBLICATION = dt.datetime(2026, 11, 23, 6, 5, tzinfo=BERLIN)  # W47 published at 06:00
LATE = dt.datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)  # Wednesday of W48
NEXT_PUBLICATION = dt.datetime(2026, 11, 30, 6, 5, tzinfo=BERLIN)  # W48 published, W47 revised
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;"]*')
LATE_NOTE = "Late: the fitting rooms were all locked."


@contextmanager
def clock(moment: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def visit_at(observer, store, started: dt.datetime, interaction, *, submitted: dt.datetime | None = None, **kwargs):
    submitted = submitted or started + dt.timedelta(hours=1)
    with clock(submitted):
        return submit_visit(
            observer=observer,
            store=store,
            started_at=started,
            minutes=20,
            interactions=[interaction],
            now=submitted,
            **kwargs,
        )


def beat(moment: dt.datetime) -> int:
    """What beat does every five minutes, at `moment` (the outbox's work done inline)."""
    with clock(moment):
        return tasks.publish_due_weeks()


def manager_outputs(client: Client, manager, week: dt.date, moment: dt.datetime) -> dict[str, str]:
    """Everything a manager can fetch of the week's report at `moment`, by name (CSRF tokens left out)."""
    label = week_label(week)
    api = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    found = {}
    with clock(moment):
        client.force_login(manager)  # sessions last 12 hours: a fresh one at each moment
        for name, url, extra, language in [
            ("json", api, {}, "en"),
            ("csv", api, {"format": "csv"}, "en"),
            ("page-en", page, {}, "en"),
            ("page-de", page, {}, "de"),
        ]:
            response = client.get(url, {"week": label, **extra}, headers={"accept-language": language})
            assert response.status_code == 200, name
            found[name] = CSRF.sub("", response.content.decode())
    return found


def head_office_json(client: Client, head_office, week: dt.date, moment: dt.datetime, **query) -> dict:
    label = week_label(week)
    with clock(moment):
        client.force_login(head_office)
        return client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": label, **query}).json()


@pytest.fixture
def neighbour(store):
    """A second store of the region, so that the region's figures and the ranks have something to move."""
    return StoreFactory(code="ber-west", name="Berlin West", region=store.region)


@pytest.fixture
def published_w47(store, neighbour, shopper, manager):
    """W47: one perfect visit in each store, published (copied) on Monday 23 November."""
    visit_at(shopper, store, dt.datetime(2026, 11, 18, 11, tzinfo=BERLIN), PERFECT)
    visit_at(shopper, neighbour, dt.datetime(2026, 11, 19, 11, tzinfo=BERLIN), PERFECT)
    assert beat(FIRST_PUBLICATION) == 2
    return store


def test_a_late_visit_reaches_managers_only_at_the_next_publication_marked_revised(
    client, published_w47, neighbour, shopper, manager, head_office
):
    store = published_w47
    before = manager_outputs(client, manager, W47, FIRST_PUBLICATION + dt.timedelta(hours=1))
    as_published = json.loads(before["json"])
    assert (as_published["n_visits"], as_published["soi"], as_published["revised_on"]) == (1, 100.0, None)
    assert (as_published["comparison"]["region"]["n_visits"], as_published["rank"]) == (2, 1)

    # Wednesday of W48: a visit of W47 in each store is submitted late
    visit_at(shopper, store, dt.datetime(2026, 11, 20, 11, tzinfo=BERLIN), COLD, submitted=LATE)
    visit_at(shopper, neighbour, dt.datetime(2026, 11, 20, 15, tzinfo=BERLIN), MIXED, submitted=LATE)
    assert beat(LATE + dt.timedelta(minutes=5)) == 0  # nothing is due before Monday

    # head office sees the live figures at once
    live = head_office_json(client, head_office, W47, LATE + dt.timedelta(minutes=1))
    assert (live["n_visits"], live["soi"], live["revised_on"]) == (2, 57.1, None)
    assert (live["comparison"]["region"]["n_visits"], live["rank"]) == (4, 2)  # the neighbour: 80

    # nothing a manager can fetch has changed, until the next publication
    for moment in (LATE + dt.timedelta(minutes=1), NEXT_PUBLICATION - dt.timedelta(minutes=10)):
        assert manager_outputs(client, manager, W47, moment) == before
        with clock(moment):
            assert PublishedStoreWeek.objects.get(store=store, week_start=W47, scope="counted").n_visits == 1

    assert beat(NEXT_PUBLICATION) == 2  # Monday 30 November: W48 published, W47 revised
    after = manager_outputs(client, manager, W47, NEXT_PUBLICATION + dt.timedelta(minutes=5))
    report = json.loads(after["json"])
    assert (report["n_visits"], report["soi"], report["revised_on"]) == (2, 57.1, "2026-11-30")
    assert (report["comparison"]["region"]["n_visits"], report["rank"]) == (4, 2)
    assert report["trend"][-1]["revised_on"] == "2026-11-30"
    assert after["csv"].splitlines()[0].split(",")[-1] == "revised_on"
    assert after["csv"].splitlines()[-1].split(",")[-1] == "2026-11-30"
    assert "Revised on 30 Nov 2026" in after["page-en"]
    assert "Überarbeitet am 30.11.2026" in after["page-de"]
    # W48's report shows W47 revised in its trend
    w48 = manager_outputs(client, manager, W48, NEXT_PUBLICATION + dt.timedelta(minutes=5))
    assert [point["revised_on"] for point in json.loads(w48["json"])["trend"][-2:]] == [
        "2026-11-30",
        None,
    ]
    assert "2026-W47 (revised on 30 Nov 2026)" in w48["page-en"]


@pytest.mark.parametrize(
    "language, revised",
    [("en", "Week 2026-W47 revised on 30 Nov 2026"), ("de", "Woche 2026-W47 am 30.11.2026 überarbeitet")],
)
def test_the_weekly_email_carries_the_week_as_published_and_names_the_revised_week(
    published_w47, shopper, language, revised
):
    store = published_w47
    reader = UserFactory(
        username="mail-manager", role="manager", stores=[store], email="m@x.example", language=language
    )
    visit_at(shopper, store, dt.datetime(2026, 11, 20, 11, tzinfo=BERLIN), COLD, submitted=LATE)
    # W47's e-mail, sent after the late visit (a send retried late): the week as published
    with clock(FIRST_PUBLICATION + dt.timedelta(hours=1)):
        notifications.weekly_report_deliveries_due(FIRST_PUBLICATION + dt.timedelta(hours=1))
    with clock(LATE + dt.timedelta(hours=1)):
        notifications.deliver_report(ReportDelivery.objects.get(recipient=reader, week_start=W47).pk)
    [message] = mail.outbox
    assert ("100" in message.body, "57" in message.body) == (True, False)
    assert revised not in message.body
    beat(NEXT_PUBLICATION)
    moment = NEXT_PUBLICATION.replace(hour=7, minute=5)
    with clock(moment):
        notifications.weekly_report_deliveries_due(moment)
        notifications.deliver_report(ReportDelivery.objects.get(recipient=reader, week_start=W48).pk)
    assert revised in mail.outbox[1].body
    assert revised in mail.outbox[1].alternatives[0][0]


@pytest.fixture
def approved_only(settings):
    settings.OASIS_REPORTS_APPROVED_ONLY = True


def test_under_approved_only_a_late_approval_and_a_late_rejection_wait_for_the_next_publication(
    client, approved_only, store, neighbour, shopper, supervisor, manager, head_office
):
    approved = visit_at(shopper, store, dt.datetime(2026, 11, 18, 11, tzinfo=BERLIN), PERFECT)
    waiting = visit_at(shopper, store, dt.datetime(2026, 11, 19, 11, tzinfo=BERLIN), COLD, notes=LATE_NOTE)
    with clock(dt.datetime(2026, 11, 20, 9, tzinfo=BERLIN)):
        review(approved, supervisor, "approve")
    beat(FIRST_PUBLICATION)
    before = manager_outputs(client, manager, W47, FIRST_PUBLICATION + dt.timedelta(hours=1))
    assert json.loads(before["json"])["n_visits"] == 1
    assert LATE_NOTE not in before["page-en"]

    with clock(LATE):  # after publication: the waiting visit is approved, the approved one rejected
        review(waiting, supervisor, "approve")
        review(approved, supervisor, "reject")
    live = head_office_json(client, head_office, W47, LATE + dt.timedelta(minutes=1), approved_only="true")
    assert (live["n_visits"], live["soi"]) == (1, 14.3)

    assert manager_outputs(client, manager, W47, LATE + dt.timedelta(minutes=1)) == before

    beat(NEXT_PUBLICATION)
    after = manager_outputs(client, manager, W47, NEXT_PUBLICATION + dt.timedelta(minutes=5))
    report = json.loads(after["json"])
    assert (report["n_visits"], report["soi"], report["revised_on"]) == (1, 14.3, "2026-11-30")
    assert [note["text"] for note in report["notes"]] == [LATE_NOTE]
    assert LATE_NOTE in after["page-en"] and LATE_NOTE in after["page-de"]
    assert "Überarbeitet am 30.11.2026" in after["page-de"]


def test_a_late_change_that_changes_nothing_a_manager_reads_marks_no_revision(
    client, approved_only, published_w47, shopper, supervisor, manager
):
    # under approved-only, a late visit nobody has approved counts for no manager
    late = visit_at(shopper, published_w47, dt.datetime(2026, 11, 20, 11, tzinfo=BERLIN), COLD, submitted=LATE)
    assert late.status == VisitStatus.SUBMITTED
    beat(NEXT_PUBLICATION)
    report = json.loads(manager_outputs(client, manager, W47, NEXT_PUBLICATION + dt.timedelta(hours=1))["json"])
    assert report["revised_on"] is None


def test_the_copies_are_outbox_work_that_beat_records_and_workers_do(settings, published_w47, shopper):
    assert "reports.tasks.publish_due_weeks" in {entry["task"] for entry in beat_schedule().values()}
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False
    visit_at(shopper, published_w47, dt.datetime(2026, 11, 20, 11, tzinfo=BERLIN), COLD, submitted=LATE)
    OutboxItem.objects.exclude(kind=tasks.WEEK_PUBLICATION).delete()  # the rollups, done inline on PostgreSQL
    published_w47.week_rollups.all().delete()
    from reports.rollups import rebuild_all

    rebuild_all()
    assert beat(NEXT_PUBLICATION) == 2
    assert set(OutboxItem.objects.values_list("kind", flat=True)) == {tasks.WEEK_PUBLICATION}
    assert PublishedStoreWeek.objects.get(store=published_w47, week_start=W47, scope="counted").n_visits == 1
    from core import outbox

    with clock(NEXT_PUBLICATION):
        outbox.run()
    assert not OutboxItem.objects.exists()
    row = PublishedStoreWeek.objects.get(store=published_w47, week_start=W47, scope="counted")
    assert (row.n_visits, row.revised_on) == (2, dt.date(2026, 11, 30))
    assert StorePublication.objects.get(store=published_w47).week_start == W48
    assert beat(NEXT_PUBLICATION + dt.timedelta(minutes=5)) == 0  # done: nothing is due again


def test_an_empty_week_is_published_empty_and_revised_when_a_late_visit_arrives(client, store, shopper, manager):
    visit_at(shopper, store, dt.datetime(2026, 11, 4, 11, tzinfo=BERLIN), PERFECT)  # W45; W46, W47 empty
    beat(FIRST_PUBLICATION)  # the store's first copy: every week up to W47, as it stands, none revised
    assert set(PublishedStoreWeek.objects.values_list("week_start", "scope", "n_visits", "revised_on")) == {
        (dt.date(2026, 11, 2), "counted", 1, None),
        (dt.date(2026, 11, 2), "approved", 0, None),
        (W47, "counted", 0, None),
        (W47, "approved", 0, None),
    }
    visit_at(shopper, store, dt.datetime(2026, 11, 20, 11, tzinfo=BERLIN), PERFECT, submitted=LATE)
    assert json.loads(manager_outputs(client, manager, W47, LATE + dt.timedelta(hours=1))["json"])["n_visits"] == 0
    beat(NEXT_PUBLICATION)
    report = json.loads(manager_outputs(client, manager, W47, NEXT_PUBLICATION + dt.timedelta(hours=1))["json"])
    assert (report["n_visits"], report["revised_on"]) == (1, "2026-11-30")
    assert [point["revised_on"] for point in report["trend"] if point["n_visits"]] == [None, "2026-11-30"]


def test_a_published_week_reads_in_as_few_queries_as_a_live_one(
    client, published_w47, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    with clock(FIRST_PUBLICATION + dt.timedelta(hours=1)):
        client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W47"})  # warm
        # session, user, store, rubrics, the store's published weeks, region-weeks, standing, region
        # means, the time zones of the company (published everywhere?)
        with django_assert_max_num_queries(9):
            response = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W47"})
    assert response.json()["n_visits"] == 1


def test_the_notes_copied_at_publication_are_the_notes_a_manager_reads(store, shopper, supervisor):
    """`notes.manager_note_texts` (the copies, many weeks at once) says what `notes_of` says to a
    manager: approved visits only, reviewed texts, visits before their interactions, by visit id."""
    for day, status in ((17, "approve"), (18, "approve"), (19, "reject"), (20, None)):
        started = dt.datetime(2026, 11, day, 11, tzinfo=BERLIN)
        interactions = [interaction_input(notes=f"contact {day}a"), interaction_input(notes=f"contact {day}b")]
        with clock(started + dt.timedelta(hours=1)):
            found = submit_visit(
                observer=shopper,
                store=store,
                started_at=started,
                interactions=interactions,
                notes=f"visit {day}",
                now=started + dt.timedelta(hours=1),
            )
            if status:
                review(found, supervisor, status)
    copied = manager_note_texts(store_ids=[store.pk], weeks=[W47])[(store.pk, W47)]
    live = [note.text for note in notes_of(store=store, week_start=W47, approved_only=False, audience=Audience.MANAGER)]
    assert copied == live
    assert sorted(copied) == ["contact 17a", "contact 17b", "contact 18a", "contact 18b", "visit 17", "visit 18"]
