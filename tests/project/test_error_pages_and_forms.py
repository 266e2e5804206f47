"""Refusals say what to do: a 403 page with a way back, form errors summarised at the top with
links to their fields, and consequential actions that say their consequences before they act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionPlan, PlanState, Reason

pytestmark = pytest.mark.django_db


def test_a_403_page_offers_the_way_back(client, manager):
    client.force_login(manager)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not for your role" in page
    assert 'href="/">Back to your start page' in page


def test_a_404_page_offers_the_way_back(client, manager):
    client.force_login(manager)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Back to your start page" in response.content.decode()


def test_returning_a_plan_without_a_note_says_so_at_the_top_with_a_link_to_the_field(client, supervisor, store):
    plan = ActionPlan.objects.create(
        store=store,
        week_start=dt.date(2026, 11, 16),
        reason=Reason.DESERT,
        focus="smile",
        state=PlanState.SUBMITTED,
        actions="Smile.",
        owner="Carla",
        due_date=timezone.localdate() + dt.timedelta(days=20),
        submitted_at=timezone.now(),
    )
    client.force_login(supervisor)
    response = client.post(reverse("coaching:decide", args=[plan.pk]), {"decision": "return", "note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_note"' in summary
    assert page.index('id="error-summary"') < page.index('action="/action-plans/')  # above the form


def test_the_favicon_address_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/mobile/icon.svg")
