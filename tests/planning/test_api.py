"""The planning API through the full stack: scope, decline, board, linking a visit, coverage."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import Assignment, AssignmentStatus, TargetKind
from planning.services import wave_plan, wave_publish
from reports.periods import monday_of
from stores.models import Role
from tests.api.conftest import as_user, visit_body
from tests.factories import StoreFactory, UserFactory

from .conftest import make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_wave(head_office, store, other_store, shopper):
    """A published wave running this week over two stores in two regions, one visit each by `shopper`'s peers."""
    UserFactory(username="shopper-zoe", role=Role.SHOPPER, stores=[other_store])
    today = timezone.localdate()
    wave = make_wave(
        head_office,
        stores=[store, other_store],
        starts_on=today - dt.timedelta(days=today.weekday()),
        ends_on=today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=13),
        fixed_visits=1,
        brief="Ask for a gift wrap.",
    )
    wave_plan(wave=wave, by=head_office)
    return wave_publish(wave=wave, by=head_office)


def this_weeks_visit_body(**overrides) -> dict:
    """A visit that ended a moment ago and started in the wave's week: an hour ago, or at the week's
    start if that was less than an hour ago (on a Monday just after midnight an hour ago is last week)."""
    now = timezone.now()
    week_start = timezone.make_aware(dt.datetime.combine(monday_of(timezone.localdate(now)), dt.time()))
    started = max(now - dt.timedelta(hours=1), week_start)
    ended = min(started + dt.timedelta(minutes=25), now - dt.timedelta(seconds=1))
    return visit_body(started_at=started.isoformat(), ended_at=ended.isoformat(), **overrides)


def mine(shopper):
    return Assignment.objects.get(shopper=shopper)


def test_a_shopper_lists_their_own_assignments_with_the_brief(live_wave, shopper):
    response = as_user(shopper).get(reverse("assignment-list"))
    assert response.status_code == 200
    (item,) = response.json()
    assignment = mine(shopper)
    assert item == {
        "id": assignment.pk,
        "wave": "Spring wave",
        "store": "ber-mitte",
        "store_name": "Berlin Mitte",
        "city": "Berlin",
        "window_start": assignment.window_start.isoformat(),
        "window_end": assignment.window_end.isoformat(),
        "day_type": assignment.day_type,
        "time_of_day": assignment.time_of_day,
        "status": "assigned",
        "brief": "Ask for a gift wrap.",
    }


def test_a_shopper_sees_nothing_of_a_draft_wave(head_office, store, shopper):
    wave = make_wave(head_office, stores=[store])
    wave_plan(wave=wave, by=head_office)
    assert as_user(shopper).get(reverse("assignment-list")).json() == []


def test_a_manager_gets_404_from_every_planning_endpoint(live_wave, manager):
    client = as_user(manager)
    assignment = Assignment.objects.first()
    for url in (
        reverse("wave-list"),
        reverse("wave-detail", args=[live_wave.pk]),
        reverse("wave-coverage", args=[live_wave.pk]),
        reverse("wave-coverage", args=[live_wave.pk]) + "?format=csv",
        reverse("assignment-list"),
        reverse("assignment-detail", args=[assignment.pk]),
        reverse("assignment-board"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assignment-decline", args=[assignment.pk]), {"reason": "x"}).status_code == 404


def test_a_shopper_gets_404_for_waves_and_coverage(live_wave, shopper):
    assert as_user(shopper).get(reverse("wave-list")).status_code == 404
    assert as_user(shopper).get(reverse("wave-coverage", args=[live_wave.pk])).status_code == 404


def test_a_supervisor_sees_the_coverage_of_their_regions_stores_only(live_wave, supervisor):
    response = as_user(supervisor).get(reverse("wave-coverage", args=[live_wave.pk]))
    assert response.status_code == 200
    assert [row["store"] for row in response.json()["stores"]] == ["ber-mitte"]


def test_coverage_counts_planned_and_done_and_flags_risk(live_wave, head_office, shopper):
    body = this_weeks_visit_body(assignment=mine(shopper).pk)
    assert as_user(shopper).post(reverse("visit-list"), body, format="json").status_code == 201
    rows = {
        row["store"]: row
        for row in as_user(head_office).get(reverse("wave-coverage", args=[live_wave.pk])).json()["stores"]
    }
    assert {
        key: rows["ber-mitte"][key] for key in ("visits_needed", "planned", "done", "overdue", "declined", "at_risk")
    } == {
        "visits_needed": 1,
        "planned": 1,
        "done": 1,
        "overdue": 0,
        "declined": 0,
        "at_risk": False,
    }


def test_coverage_as_csv(live_wave, head_office):
    response = as_user(head_office).get(reverse("wave-coverage", args=[live_wave.pk]) + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("store,name,region,visits_needed,planned")
    assert [line.split(",")[0] for line in lines[1:]] == ["ber-mitte", "zrh-hb"]


def test_starting_a_visit_from_an_assignment_links_them_and_a_replay_stays_200(live_wave, shopper):
    assignment = mine(shopper)
    body = visit_body(assignment=assignment.pk)
    client = as_user(shopper)
    assert client.post(reverse("visit-list"), body, format="json").status_code == 201
    assignment.refresh_from_db()
    assert (assignment.status, str(assignment.visit_id)) == (AssignmentStatus.DONE, body["id"])
    assert client.post(reverse("visit-list"), body, format="json").status_code == 200


def test_a_visit_naming_someone_elses_assignment_is_stored_unlinked(live_wave, shopper):
    other = Assignment.objects.exclude(shopper=shopper).first()
    response = as_user(shopper).post(reverse("visit-list"), visit_body(assignment=other.pk), format="json")
    assert response.status_code == 201
    other.refresh_from_db()
    assert (other.status, other.visit) == (AssignmentStatus.ASSIGNED, None)


def test_a_visit_started_from_an_assignment_declined_meanwhile_is_stored_unlinked(live_wave, shopper):
    assignment = mine(shopper)
    as_user(shopper).post(reverse("assignment-decline", args=[assignment.pk]), {"reason": "ill"}, format="json")
    response = as_user(shopper).post(reverse("visit-list"), visit_body(assignment=assignment.pk), format="json")
    assert response.status_code == 201
    assignment.refresh_from_db()
    assert (assignment.status, assignment.visit) == (AssignmentStatus.OPEN, None)


def test_a_visit_without_an_assignment_is_stored_as_before(live_wave, shopper):
    assert as_user(shopper).post(reverse("visit-list"), visit_body(), format="json").status_code == 201
    assert mine(shopper).status == AssignmentStatus.ASSIGNED


def test_declining_needs_a_reason_and_opens_the_assignment_again(live_wave, shopper, head_office):
    assignment = mine(shopper)
    client = as_user(shopper)
    url = reverse("assignment-decline", args=[assignment.pk])
    assert client.post(url, {"reason": ""}, format="json").json() == {"reason": "This field may not be blank."}
    german = client.post(url, {"reason": " "}, format="json", HTTP_ACCEPT_LANGUAGE="de")
    assert (german.status_code, german.json()) == (400, {"reason": "Dieses Feld darf nicht leer sein."})
    assert client.post(url, {"reason": "I know the staff there."}, format="json").status_code == 200
    assignment.refresh_from_db()
    assert (assignment.status, assignment.shopper, assignment.declines.get().reason) == (
        AssignmentStatus.OPEN,
        None,
        "I know the staff there.",
    )
    assert client.get(reverse("assignment-list")).json() == []
    rows = as_user(head_office).get(reverse("wave-coverage", args=[live_wave.pk])).json()["stores"]
    assert rows[0]["declined"] == 1
    assert "unassigned" in rows[0]["risks"]


def test_open_assignments_of_a_board_wave_can_be_taken_by_shoppers_of_the_store(head_office, store, region):
    first = UserFactory(username="first", role=Role.SHOPPER, stores=[store])
    today = timezone.localdate()
    wave = make_wave(
        head_office,
        stores=[store],
        starts_on=today,
        ends_on=today + dt.timedelta(days=20),
        board_enabled=True,
        fixed_visits=1,
        target_kind=TargetKind.FIXED,
    )
    wave_plan(wave=wave, by=head_office)
    wave_publish(wave=wave, by=head_office)
    assignment = Assignment.objects.get(wave=wave)
    as_user(first).post(reverse("assignment-decline", args=[assignment.pk]), {"reason": "ill"}, format="json")
    second = UserFactory(username="second", role=Role.SHOPPER, stores=[store])
    outsider = UserFactory(username="outsider", role=Role.SHOPPER, stores=[StoreFactory(code="elsewhere")])
    assert as_user(first).get(reverse("assignment-board")).json() == []  # declined it
    assert as_user(outsider).get(reverse("assignment-board")).json() == []
    assert [item["id"] for item in as_user(second).get(reverse("assignment-board")).json()] == [assignment.pk]
    response = as_user(second).post(reverse("assignment-take", args=[assignment.pk]))
    assert response.status_code == 200
    assert mine(second).status == AssignmentStatus.ASSIGNED


def test_a_supervisors_own_visit_counts_as_done_in_the_coverage(live_wave, supervisor, head_office):
    assert as_user(supervisor).post(reverse("visit-list"), this_weeks_visit_body(), format="json").status_code == 201
    rows = as_user(head_office).get(reverse("wave-coverage", args=[live_wave.pk])).json()["stores"]
    assert {row["store"]: row["done"] for row in rows} == {"ber-mitte": 1, "zrh-hb": 0}


@pytest.mark.parametrize("name", ['＝HYPERLINK("http://evil.example")', " =1+1", "@SUM(A1)", "-2+3"])
def test_the_coverage_csv_page_and_api_write_formulas_as_text(client, live_wave, head_office, store, name):
    store.name = name
    store.save()
    client.force_login(head_office)
    page = client.get(reverse("planning:coverage", args=[live_wave.pk]) + "?format=csv")
    api = as_user(head_office).get(reverse("wave-coverage", args=[live_wave.pk]) + "?format=csv")
    for response in (page, api):
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [row[1] for row in rows if row[0] == "ber-mitte"] == ["'" + name]
