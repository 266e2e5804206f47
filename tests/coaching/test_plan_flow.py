"""Managers fill in and submit; the region's supervisor accepts or returns with a note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coaching.models import ActionPlan, NoticeKind, PlanNotice, PlanState
from coaching.services import PlanError, plan_decide, plan_reminders_due, plan_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)
SOON = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def submit(plan, manager, **overrides):
    values = {
        "focus": "smile",
        "second_focus": "",
        "actions": "Morning huddle: one customer story a day.",
        "owner": "Tom",
        "due_date": dt.date(2026, 12, 18),
        "today": TODAY,
    }
    return plan_submit(plan=plan, by=manager, **{**values, **overrides})


def test_a_submitted_plan_goes_to_the_regions_supervisors_once(open_plan, plan_manager, region_supervisor):
    plan = submit(open_plan, plan_manager)
    assert (plan.state, plan.round) == (PlanState.SUBMITTED, 1)
    assert list(PlanNotice.objects.filter(kind=NoticeKind.SUBMITTED).values_list("recipient", flat=True)) == [
        region_supervisor.pk
    ]


def test_a_plan_without_actions_cannot_be_submitted(open_plan, plan_manager):
    with pytest.raises(PlanError) as error:
        submit(open_plan, plan_manager, actions="  ")
    assert error.value.field == "actions"


def test_a_due_date_in_the_past_is_refused(open_plan, plan_manager):
    with pytest.raises(PlanError) as error:
        submit(open_plan, plan_manager, due_date=TODAY - dt.timedelta(days=1))
    assert error.value.field == "due_date"


def test_returning_a_plan_needs_a_note_and_lets_the_manager_revise_it(submitted_plan, plan_manager, region_supervisor):
    with pytest.raises(PlanError):
        plan_decide(plan=submitted_plan, by=region_supervisor, accept=False, note="")
    plan = plan_decide(plan=submitted_plan, by=region_supervisor, accept=False, note="Who checks it daily?")
    assert plan.state == PlanState.RETURNED
    plan = submit(plan, plan_manager, owner="Tom, checked by Paula")
    assert (plan.state, plan.round) == (PlanState.SUBMITTED, 2)
    plan = plan_decide(plan=plan, by=region_supervisor, accept=True)
    assert plan.state == PlanState.ACCEPTED
    kinds = sorted(PlanNotice.objects.filter(recipient=plan_manager).values_list("kind", "round"))
    assert kinds == [(NoticeKind.ACCEPTED, 2), (NoticeKind.RETURNED, 1)]


def test_an_accepted_plan_cannot_be_submitted_again(submitted_plan, plan_manager, region_supervisor):
    plan_decide(plan=submitted_plan, by=region_supervisor, accept=True)
    with pytest.raises(PlanError) as error:
        submit(submitted_plan, plan_manager)
    assert error.value.field == "state"


def test_the_database_refuses_a_submitted_plan_without_owner(store):
    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(
            store=store, week_start=dt.date(2026, 11, 16), reason="desert", focus="smile", state=PlanState.SUBMITTED
        )


def test_the_database_refuses_the_same_behaviour_twice(store):
    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(
            store=store, week_start=dt.date(2026, 11, 16), reason="desert", focus="smile", second_focus="smile"
        )


def test_a_supervisor_of_another_region_gets_a_404(submitted_plan, other_region):
    stranger = UserFactory(username="supervisor-south", role="supervisor", regions=[other_region])
    client = APIClient()
    client.force_authenticate(stranger)
    response = client.post(f"/api/v1/action-plans/{submitted_plan.pk}/decision/", {"decision": "accept"}, format="json")
    assert response.status_code == 404
    assert client.get(reverse("coaching:plan", args=[submitted_plan.pk])).status_code in (302, 404)


def test_a_manager_of_another_store_sees_no_plans(open_plan, other_store):
    stranger = UserFactory(username="manager-zrh", role="manager", stores=[other_store])
    client = APIClient()
    client.force_authenticate(stranger)
    assert client.get("/api/v1/action-plans/").json() == []
    assert client.get(f"/api/v1/action-plans/{open_plan.pk}/").status_code == 404


def test_a_manager_submits_through_the_api_and_the_supervisor_returns_it(open_plan, plan_manager, region_supervisor):
    client = APIClient()
    client.force_authenticate(plan_manager)
    response = client.post(
        f"/api/v1/action-plans/{open_plan.pk}/submit/",
        {"focus": "smile", "actions": "Smile first.", "owner": "Tom", "due_date": SOON},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"
    client.force_authenticate(region_supervisor)
    response = client.post(f"/api/v1/action-plans/{open_plan.pk}/decision/", {"decision": "return"}, format="json")
    assert (response.status_code, response.json()) == (400, {"note": "must not be empty."})


def test_the_manager_page_submits_the_plan(client, open_plan, plan_manager):
    client.force_login(plan_manager)
    page = client.get(reverse("coaching:plan", args=[open_plan.pk]))
    assert page.status_code == 200
    assert "Fill in and submit" in page.content.decode()
    response = client.post(
        reverse("coaching:submit", args=[open_plan.pk]),
        {"focus": "smile", "actions": "Smile first.", "owner": "Tom", "due_date": SOON},
    )
    assert response.status_code == 302
    open_plan.refresh_from_db()
    assert open_plan.state == PlanState.SUBMITTED


def test_head_office_sees_all_plans_and_which_are_overdue(client, head_office, store, other_store):
    this_monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    ActionPlan.objects.create(store=store, week_start=this_monday - dt.timedelta(weeks=1), reason="fall", focus="smile")
    ActionPlan.objects.create(
        store=other_store, week_start=this_monday - dt.timedelta(weeks=6), reason="fall", focus="greeting"
    )
    client.force_login(head_office)
    body = client.get(reverse("coaching:plans")).content.decode()
    assert "Berlin Mitte" in body and "Zürich HB" in body
    assert "1 plan is overdue." in body
    assert "What changed after the plans?" in body
    assert "not proof that the plan caused it" in body
    german = client.get(reverse("coaching:plans"), headers={"accept-language": "de"}).content.decode()
    assert "Was hat sich nach den Plänen verändert?" in german


def test_an_overdue_plan_reminds_its_managers_once(store, plan_manager):
    monday = dt.date(2026, 10, 5)
    ActionPlan.objects.create(store=store, week_start=monday, reason="desert", focus="greeting")
    assert plan_reminders_due(today=monday + dt.timedelta(weeks=4)) == 1
    assert plan_reminders_due(today=monday + dt.timedelta(weeks=5)) == 1
    assert PlanNotice.objects.filter(kind=NoticeKind.REMINDER, recipient=plan_manager).count() == 1


def test_plan_emails_are_sent_through_the_outbox_once(
    open_plan, plan_manager, region_supervisor, django_capture_on_commit_callbacks
):
    from django.core import mail

    from core import outbox

    assert "plan_notice" in outbox.kinds()
    with django_capture_on_commit_callbacks(execute=True):
        submit(open_plan, plan_manager)
    assert [message.to for message in mail.outbox] == [[region_supervisor.email]]
    notice = PlanNotice.objects.get(kind=NoticeKind.SUBMITTED)
    assert notice.status == "sent"
    outbox.run()  # nothing left to do: the notice is not sent twice
    assert len(mail.outbox) == 1
