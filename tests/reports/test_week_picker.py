"""A manager's week picker offers published weeks only and says when the running week appears; a
link to a week not yet published explains itself (the API answers a plain 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from reports.periods import week_label
from reports.publication import latest_published_week

pytestmark = pytest.mark.django_db


def _page(client, store, **query):
    return client.get(reverse("reports:store", kwargs={"code": store.code}), query)


def test_the_picker_offers_only_published_weeks_and_says_when_the_running_one_appears(client, manager, store):
    latest = latest_published_week(store.tzinfo)
    running = latest + dt.timedelta(weeks=1)
    client.force_login(manager)
    page = _page(client, store).content.decode()
    picker = page.split('<select id="week-pick"', 1)[1].split("</select>", 1)[0]
    assert f'value="{week_label(latest)}" selected' in picker
    assert f'value="{week_label(running)}"' not in picker
    year, week, _ = running.isocalendar()
    assert f"Week {week}, {year} is still running: it appears here on" in page
    assert "(Europe/Berlin)" in page


def test_a_link_to_the_running_week_explains_when_it_appears(client, manager, store):
    running = latest_published_week(store.tzinfo) + dt.timedelta(weeks=1)
    client.force_login(manager)
    response = _page(client, store, week=week_label(running))
    assert response.status_code == 404
    page = response.content.decode()
    year, week, _ = running.isocalendar()
    assert f"Week {week}, {year} is not published yet" in page
    assert f'?week={week_label(running - dt.timedelta(weeks=1))}"' in page


def test_the_explanation_speaks_german(client, manager, store):
    running = latest_published_week(store.tzinfo) + dt.timedelta(weeks=1)
    client.force_login(manager)
    with translation.override("de"):
        response = client.get(
            reverse("reports:store", kwargs={"code": store.code}),
            {"week": week_label(running)},
            HTTP_ACCEPT_LANGUAGE="de",
        )
    year, week, _ = running.isocalendar()
    assert f"Kalenderwoche {week}, {year} ist noch nicht veröffentlicht" in response.content.decode()


def test_the_api_still_answers_404_for_the_running_week(client, manager, store):
    running = latest_published_week(store.tzinfo) + dt.timedelta(weeks=1)
    client.force_login(manager)
    response = client.get(f"/api/v1/reports/stores/{store.code}/weekly/", {"week": week_label(running)})
    assert response.status_code == 404
    assert "published" not in response.content.decode()


def test_staff_keep_the_free_week_input(client, supervisor, store):
    client.force_login(supervisor)
    page = _page(client, store).content.decode()
    assert 'type="week" name="week"' in page
    assert "is still running" not in page
