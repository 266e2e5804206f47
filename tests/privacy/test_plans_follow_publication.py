"""A plan shows a manager only published weeks: its "after" ends with the store's last published week
(reports.publication), not with the server's last complete week. On Monday at 03:00 in Berlin the
week before is over but not yet published (06:00): a visit recorded then must not move anything a
manager can fetch about plans or reports, in English or German, pages or API."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from coaching.models import ActionPlan, PlanState, Reason

from ..factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=BERLIN)  # Monday: W47 is over, published at 06:00
W47 = dt.date(2026, 11, 16)
W43 = dt.date(2026, 10, 19)  # the week that opened the plan
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;"]*')


def smile_visit(shopper, store, started: dt.datetime, smile: int, now: dt.datetime | None = None):
    return submit_visit(
        observer=shopper,
        store=store,
        started_at=started,
        interactions=[interaction_input(smile=smile)],
        now=now or started + dt.timedelta(hours=1),
    )


@pytest.fixture
def plan(store, shopper, manager):
    # before (W38..W41), after (W45, W46: submitted in W44); W47 would be "after" too once published
    for started, smile in (
        (dt.datetime(2026, 9, 22, 11, tzinfo=BERLIN), 2),
        (dt.datetime(2026, 10, 1, 11, tzinfo=BERLIN), 3),
        (dt.datetime(2026, 11, 3, 11, tzinfo=BERLIN), 4),
        (dt.datetime(2026, 11, 11, 11, tzinfo=BERLIN), 5),
    ):
        smile_visit(shopper, store, started, smile)
    return ActionPlan.objects.create(
        store=store,
        week_start=W43,
        reason=Reason.DESERT,
        focus="smile",
        actions="Greet each other with a smile every morning.",
        owner="Tom",
        due_date=dt.date(2026, 12, 18),
        state=PlanState.SUBMITTED,
        round=1,
        submitted_at=dt.datetime(2026, 10, 28, 9, tzinfo=BERLIN),
        submitted_by=manager,
    )


def manager_plan_outputs(client: Client, plan: ActionPlan) -> dict[str, str]:
    """Every plan output a manager can reach, and the store's report, by name (CSRF tokens removed)."""
    found = {}
    for name, url, headers in [
        ("plans-page-en", reverse("coaching:plans"), {"accept-language": "en"}),
        ("plans-page-de", reverse("coaching:plans"), {"accept-language": "de"}),
        ("plan-page-en", reverse("coaching:plan", args=[plan.pk]), {"accept-language": "en"}),
        ("plan-page-de", reverse("coaching:plan", args=[plan.pk]), {"accept-language": "de"}),
        ("plans-api", "/api/v1/action-plans/", {}),
        ("plan-api", f"/api/v1/action-plans/{plan.pk}/", {}),
        ("report-api", reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {}),
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, name
        found[name] = CSRF.sub("", response.content.decode())
    return found


def test_a_visit_in_a_week_not_yet_published_changes_nothing_a_manager_can_fetch(client, manager, store, shopper, plan):
    client.force_login(manager)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        before = manager_plan_outputs(client, plan)
        smile_visit(shopper, store, dt.datetime(2026, 11, 22, 18, tzinfo=BERLIN), 1, now=NOW)  # Sunday of W47
        after = manager_plan_outputs(client, plan)
        effect = client.get(f"/api/v1/action-plans/{plan.pk}/").json()["effects"][0]
    for name, body in before.items():
        assert after[name] == body, f"{name} changed for a manager before the week was published"
    assert effect["after_weeks"] == ["2026-W45", "2026-W46"]


def test_once_published_the_week_reaches_the_plans_after(client, manager, store, shopper, plan):
    client.force_login(manager)
    smile_visit(shopper, store, dt.datetime(2026, 11, 22, 18, tzinfo=BERLIN), 1, now=NOW)
    with mock.patch("django.utils.timezone.now", return_value=NOW + dt.timedelta(hours=3)):
        response = client.get(f"/api/v1/action-plans/{plan.pk}/")
    assert response.status_code == 200, response.content
    effect = response.json()["effects"][0]
    assert effect["after_weeks"] == ["2026-W45", "2026-W47"]
