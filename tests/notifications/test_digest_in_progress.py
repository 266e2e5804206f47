"""The head-office digest goes out at 07:00 in Berlin: stores whose week is not yet published in
their own time zone are marked in progress, and nothing is marked once every zone has published."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail

from notifications import services

from ..factories import StoreFactory
from .conftest import MONDAY_0710_BERLIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest_reader(head_office):
    head_office.email = "dora@hq.example"
    head_office.language = "en"
    head_office.save()
    return head_office


@pytest.fixture
def new_york_store(region):
    return StoreFactory(code="nyc-5th", name="New York Fifth Avenue", region=region, timezone="America/New_York")


def digest_at(now: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=now):
        for pk in services.weekly_report_deliveries_due(now):
            services.deliver_report(pk)
    [digest] = [m for m in mail.outbox if m.to == ["dora@hq.example"]]
    return digest


def test_the_0700_digest_marks_stores_still_in_their_week(digest_reader, last_week_visits, new_york_store):
    digest = digest_at(MONDAY_0710_BERLIN)
    html = digest.alternatives[0][0]
    for text in (digest.body, html):
        assert "In progress" in text
        assert "figures marked * may still change: New York Fifth Avenue" in text
    assert "Berlin Mitte" in digest.body
    assert "Berlin Mitte 0" not in digest.body  # sanity: figures are there, formatted
    assert not any(
        line.startswith("1. Berlin Mitte") and line.rstrip().endswith("*") for line in digest.body.splitlines()
    )


def test_a_digest_sent_once_every_zone_has_published_has_no_mark(digest_reader, last_week_visits, new_york_store):
    digest = digest_at(MONDAY_0710_BERLIN + dt.timedelta(hours=7))  # 14:10 Berlin, 08:10 in New York
    assert "In progress" not in digest.body
    assert "*" not in digest.body


def test_a_company_in_one_time_zone_gets_no_mark(digest_reader, last_week_visits):
    digest = digest_at(MONDAY_0710_BERLIN)
    assert "In progress" not in digest.body


def test_the_running_stores_own_line_carries_the_mark(digest_reader, last_week_visits, new_york_store):
    lines = digest_at(MONDAY_0710_BERLIN).body.splitlines()
    [new_york] = [line for line in lines if ". New York Fifth Avenue" in line]
    [berlin] = [line for line in lines if ". Berlin Mitte" in line]
    assert "*" in new_york
    assert "*" not in berlin


def test_the_mark_is_german_for_a_german_reader(digest_reader, last_week_visits, new_york_store):
    digest_reader.language = "de"
    digest_reader.save()
    body = digest_at(MONDAY_0710_BERLIN).body
    assert "mit * markierte Werte können sich noch ändern: New York Fifth Avenue" in body
