from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionPlan, PlanState, Reason
from notifications.models import DeliveryStatus, VisitAlert
from observations.models import VisitQuestion
from tests.factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db


def test_a_shopper_lands_on_the_phone_app(client, shopper):
    client.force_login(shopper)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == "/m/"


@pytest.mark.parametrize("who", ["supervisor", "head_office", "manager"])
def test_staff_and_managers_get_a_start_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b'id="pages-title"' in response.content


def test_anonymous_visitors_are_asked_to_log_in(client):
    assert client.get(reverse("home"))["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("head_office", ["/reports/branches/", "/action-plans/", "/review/", "/planning/", "/admin/", "/m/"]),
        ("supervisor", ["/reports/branches/", "/action-plans/", "/review/", "/planning/", "/m/"]),
        ("manager", ["/reports/", "/action-plans/"]),
    ],
)
def test_every_page_of_a_role_carries_the_same_navigation(client, request, who, links):
    client.force_login(request.getfixturevalue(who))
    for page in ["/", *[link for link in links if link not in ("/admin/", "/m/")]]:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        nav = response.content.decode().split("<nav", 1)[1].split("</nav>", 1)[0]
        for link in links:
            assert f'href="{link}"' in nav, (page, link)


def test_a_supervisor_sees_what_waits_for_them(client, supervisor, store, shopper):
    plan = ActionPlan.objects.create(
        store=store,
        week_start=dt.date(2026, 11, 16),
        reason=Reason.DESERT,
        focus="smile",
        state=PlanState.SUBMITTED,
        actions="Greet every customer",
        owner="Carla",
        due_date=dt.date(2026, 12, 31),
        submitted_at=timezone.now(),
    )
    started = timezone.now() - dt.timedelta(days=2)
    visit = submit_visit(observer=shopper, store=store, started_at=started, interactions=[interaction_input()])
    answered = submit_visit(observer=shopper, store=store, started_at=started, interactions=[interaction_input()])
    VisitQuestion.objects.create(
        visit=answered,
        asked_by=supervisor,
        asked_at=started,
        question="Which counter?",
        answer="The one by the door",
        answered_at=timezone.now(),
    )
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    assert f'href="/action-plans/{plan.pk}/"' in page
    assert "The one by the door" in page
    assert "Visits to review" in page and visit.store.name in page
    # E-mails are head office's concern
    assert "E-mails failing" not in page


def test_head_office_hears_of_failing_emails(client, head_office, store, shopper):
    visit = submit_visit(observer=shopper, store=store, started_at=timezone.now() - dt.timedelta(days=1),
                         interactions=[interaction_input()])  # fmt: skip
    VisitAlert.objects.create(visit=visit, recipient=head_office, status=DeliveryStatus.FAILED, attempts=3)
    client.force_login(head_office)
    page = client.get(reverse("home")).content.decode()
    assert "/admin/notifications/visitalert/?status__exact=failed" in page


def test_a_manager_starts_from_the_latest_published_report_and_their_open_plan(client, manager, store):
    plan = ActionPlan.objects.create(store=store, week_start=dt.date(2026, 11, 16), reason=Reason.DESERT, focus="smile")
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert f'href="/action-plans/{plan.pk}/"' in page
    assert f'href="/reports/stores/{store.code}/?week=' in page
    assert "The running week appears on" in page
