from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import DeliveryStatus, ReportDelivery
from notifications.services import DeliveryFailed
from observations.models import RollupScope
from reports import standings
from reports.publication import Audience
from reports.store_report import store_weekly_report

from ..factories import StoreFactory, UserFactory, interaction_input, submit_visit
from .conftest import MONDAY_0710_BERLIN

pytestmark = pytest.mark.django_db


def send_due(now: dt.datetime) -> list[str]:
    """One beat: queue what is due and deliver it, as the worker would."""
    return [services.deliver_report(pk) for pk in services.weekly_report_deliveries_due(now)]


def test_monday_0710_sends_last_weeks_report_to_the_stores_manager(store_manager, last_week_visits):
    assert send_due(MONDAY_0710_BERLIN) == ["sent"]

    [message] = mail.outbox
    assert message.to == ["greta@store.example"]
    assert "2026-W47" in message.subject
    assert "Berlin Mitte" in message.subject
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.week_start, delivery.attempts) == ("sent", dt.date(2026, 11, 16), 1)


def test_nothing_is_sent_before_0700_store_local_time(store_manager, last_week_visits):
    assert send_due(MONDAY_0710_BERLIN - dt.timedelta(minutes=15)) == []
    assert mail.outbox == []


def test_0700_means_the_stores_own_time_zone(london_store, last_week_visits):
    UserFactory(username="manager-lon", role="manager", stores=[london_store], email="lon@store.example")
    assert send_due(MONDAY_0710_BERLIN) == []  # 06:10 in London
    assert send_due(MONDAY_0710_BERLIN + dt.timedelta(hours=1)) == ["sent"]
    assert mail.outbox[0].to == ["lon@store.example"]


def test_the_managers_email_waits_until_the_week_is_complete_in_every_store(store_manager, last_week_visits, region):
    """A New York store's week runs until 06:00 Berlin time and is published at 12:00 Berlin time:
    the Berlin report goes out then, with the region's and company's figures of a complete week."""
    StoreFactory(code="nyc", name="New York 5th Ave", region=region, timezone="America/New_York")
    assert send_due(MONDAY_0710_BERLIN) == []
    assert send_due(MONDAY_0710_BERLIN.replace(hour=11, minute=55)) == []
    assert send_due(MONDAY_0710_BERLIN.replace(hour=12, minute=0)) == ["sent"]
    assert "Region: " in mail.outbox[0].body and "Region: –" not in mail.outbox[0].body


def test_a_doubled_beat_sends_one_email_per_recipient(store_manager, last_week_visits, store):
    UserFactory(username="manager-two", role="manager", stores=[store], email="two@store.example")
    for _ in range(2):
        send_due(MONDAY_0710_BERLIN)
    send_due(MONDAY_0710_BERLIN + dt.timedelta(minutes=15))

    assert sorted(m.to[0] for m in mail.outbox) == ["greta@store.example", "two@store.example"]
    assert ReportDelivery.objects.count() == 2


def test_the_email_shows_the_web_reports_figures_and_no_observer(client, store_manager, last_week_visits, store):
    send_due(MONDAY_0710_BERLIN)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    report = store_weekly_report(
        store=store, week_start=dt.date(2026, 11, 16), approved_only=False, audience=Audience.STAFF
    )
    soi_de = f"{report.figures.soi:.1f}".replace(".", ",")  # the manager reads German

    assert soi_de in message.body
    assert soi_de in html
    client.force_login(store_manager)
    page = client.get(reverse("reports:store", args=["ber-mitte"]), {"week": "2026-W47"}, HTTP_ACCEPT_LANGUAGE="de")
    assert soi_de in page.content.decode()
    for secret in ["shopper-anna", "supervisor-ben", "shopper-anna@example.com"]:
        assert secret not in message.body
        assert secret not in html
    assert "/reports/stores/ber-mitte/?week=2026-W47" in message.body


def test_email_is_in_the_recipients_language(store, last_week_visits):
    UserFactory(username="manager-en", role="manager", stores=[store], email="en@store.example", language="en")
    send_due(MONDAY_0710_BERLIN)
    # a manager reads the visits, never the staff contacts (reports.manager_view)
    assert "2 visits" in mail.outbox[0].body and "staff contact" not in mail.outbox[0].body
    assert re.search(r"\d+\.\d", mail.outbox[0].body)


def test_head_office_gets_the_branch_digest(head_office, last_week_visits):
    head_office.email = "dora@hq.example"
    head_office.save()
    send_due(MONDAY_0710_BERLIN)
    [digest] = mail.outbox
    assert digest.to == ["dora@hq.example"]
    assert "Berlin Mitte" in digest.body
    assert "shopper-anna" not in digest.body


def test_a_failed_send_is_recorded_and_retried(settings, store_manager, last_week_visits):
    settings.EMAIL_BACKEND = "tests.notifications.backends.BrokenBackend"
    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)
    with pytest.raises(DeliveryFailed):
        services.deliver_report(pk)
    delivery = ReportDelivery.objects.get(pk=pk)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "mail server refused the connection" in delivery.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.weekly_report_deliveries_due(MONDAY_0710_BERLIN) == [pk]  # the next beat picks it up
    assert services.deliver_report(pk) == "sent"
    assert ReportDelivery.objects.get(pk=pk).attempts == 2
    assert len(mail.outbox) == 1


def test_every_beat_entry_names_a_task_the_workers_know(settings):
    # A renamed or moved task would leave beat sending messages no worker can run.
    from project.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_the_email_carries_the_ranks_interval_as_the_page_does(store, other_store, shopper, last_week_visits):
    """With the week's standings computed, the e-mail says the ranks the 95 % interval allows, in the
    recipient's language, as the page and the API do (tests/reports/test_rank_intervals.py)."""
    berlin = ZoneInfo("Europe/Berlin")
    for day, smile in ((17, 3), (18, 4)):
        started = dt.datetime(2026, 11, day, 10, 0, tzinfo=berlin)
        submit_visit(
            observer=shopper,
            store=other_store,
            started_at=started,
            interactions=[interaction_input(smile=smile)],
            now=started + dt.timedelta(hours=1),
        )
    standings.refresh_week(scope=RollupScope.COUNTED, week_start=dt.date(2026, 11, 16))
    UserFactory(username="manager-de", role="manager", stores=[store], email="de@store.example", language="de")
    UserFactory(username="manager-en", role="manager", stores=[store], email="en@store.example", language="en")
    send_due(MONDAY_0710_BERLIN)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "(anywhere from 1 to 2 within the 95 % interval)" in bodies["en@store.example"]
    assert "(irgendwo von 1 bis 2 innerhalb des 95-%-Intervalls)" in bodies["de@store.example"]
