"""A report PDF that renders for longer than a claim lasts still lets the weekly e-mail go out once:
the e-mail is made before its row is claimed, so the claim covers only the call to the mail server.
Two senders in threads, each with its own PostgreSQL connection, as two workers would be."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import emails, services
from notifications.models import DeliveryStatus, ReportDelivery

from ..processes import wait_for
from .conftest import MONDAY_0710_BERLIN

SHORT_LEASE = dt.timedelta(seconds=1)


@pytest.fixture
def pdf_manager(store_manager):
    store_manager.report_pdf = True
    store_manager.save(update_fields=["report_pdf"])
    return store_manager


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("two senders on their own connections need PostgreSQL")


class Sender(threading.Thread):
    """One sender of the weekly e-mail on a connection of its own; keeps what deliver_report gave."""

    def __init__(self, delivery_id: int):
        super().__init__(daemon=True)
        self.delivery_id = delivery_id
        self.outcome: str | None = None

    def run(self) -> None:
        try:
            self.outcome = services.deliver_report(self.delivery_id)
        except services.DeliveryBusy:
            self.outcome = "busy"
        except Exception as exc:  # shown by the test's assertion
            self.outcome = f"{exc.__class__.__name__}: {exc}"
        finally:
            connection.close()


def pdf_attachments(message) -> list[str]:
    return [name for name, _content, mimetype in message.attachments if mimetype == "application/pdf"]


@pytest.mark.django_db(transaction=True)
def test_a_render_longer_than_the_claim_lease_sends_the_weekly_email_once(
    postgresql_only, monkeypatch, pdf_manager, last_week_visits
):
    monkeypatch.setattr(services, "claim_expiry", lambda: SHORT_LEASE)
    render = emails.store_report_pdf
    first_rendering, second_sent = threading.Event(), threading.Event()
    renders: list[str] = []

    def slow_first_render(**kwargs) -> bytes:
        renders.append(threading.current_thread().name)
        if len(renders) == 1:  # the first sender's render outlasts the lease: it ends after the second sent
            first_rendering.set()
            assert second_sent.wait(timeout=120), "the second sender never sent"
        return render(**kwargs)

    monkeypatch.setattr(emails, "store_report_pdf", slow_first_render)
    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)

    first = Sender(pk)
    first.start()
    assert first_rendering.wait(timeout=120)
    rendering_since = timezone.now()
    # A second sender looks once the first one's render has outlasted a claim: a claim the first
    # had taken before rendering would have expired by now and be the second's to take.
    wait_for(lambda: timezone.now() > rendering_since + SHORT_LEASE, timeout=10, what="the lease to pass")
    second = Sender(pk)
    second.start()
    second.join(timeout=120)
    assert second.outcome == "sent"
    second_sent.set()
    first.join(timeout=120)
    assert not first.is_alive()

    assert len(mail.outbox) == 1
    assert first.outcome == "skipped"  # it rendered, found the e-mail sent, and dropped its own
    assert len(renders) == 2
    assert mail.outbox[0].to == [pdf_manager.email]
    assert len(pdf_attachments(mail.outbox[0])) == 1
    delivery = ReportDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == (DeliveryStatus.SENT, 1, None)


@pytest.mark.django_db(transaction=True)
def test_two_senders_rendering_at_once_send_the_weekly_email_once(
    postgresql_only, monkeypatch, pdf_manager, last_week_visits
):
    render = emails.store_report_pdf
    both_rendering = threading.Barrier(2, timeout=120)

    def render_together(**kwargs) -> bytes:
        both_rendering.wait()  # neither claims before both have made their e-mail
        return render(**kwargs)

    monkeypatch.setattr(emails, "store_report_pdf", render_together)
    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)

    senders = [Sender(pk), Sender(pk)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=180)
    assert not any(sender.is_alive() for sender in senders)

    outcomes = sorted(str(sender.outcome) for sender in senders)
    assert outcomes in (["busy", "sent"], ["sent", "skipped"])
    assert len(mail.outbox) == 1
    assert len(pdf_attachments(mail.outbox[0])) == 1
    delivery = ReportDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


@pytest.mark.django_db
def test_an_email_that_cannot_be_made_is_recorded_and_sent_on_the_retry(monkeypatch, pdf_manager, last_week_visits):
    made = emails.report_message

    def broken(delivery):
        raise RuntimeError("template missing")

    monkeypatch.setattr(emails, "report_message", broken)
    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)
    with pytest.raises(services.DeliveryFailed):
        services.deliver_report(pk)
    delivery = ReportDelivery.objects.get(pk=pk)
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == (DeliveryStatus.FAILED, 1, None)
    assert delivery.last_error == "RuntimeError: template missing"
    assert mail.outbox == []

    monkeypatch.setattr(emails, "report_message", made)
    assert services.deliver_report(pk) == "sent"
    assert len(mail.outbox) == 1
    assert ReportDelivery.objects.get(pk=pk).attempts == 2
