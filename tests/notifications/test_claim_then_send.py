"""Every e-mail is claimed, committed, sent and then recorded: no transaction or row lock is held
while the mail server is called, and what is no longer wanted is not sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import DeliveryStatus, ReportDelivery, VisitAlert
from stores.services import user_deactivate

from ..factories import interaction_input, submit_visit
from .backends import ClaimWitnessBackend
from .conftest import MONDAY_0710_BERLIN


@pytest.mark.django_db(transaction=True)
def test_the_mail_server_is_called_after_the_claim_committed_and_outside_any_transaction(
    settings, store_manager, last_week_visits
):
    if connection.vendor != "postgresql":
        pytest.skip("a second connection reading during the send needs PostgreSQL")
    settings.EMAIL_BACKEND = "tests.notifications.backends.ClaimWitnessBackend"
    ClaimWitnessBackend.seen = []
    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)

    assert services.deliver_report(pk) == "sent"

    assert ClaimWitnessBackend.seen == [{"in_transaction": False, "statuses": [DeliveryStatus.SENDING]}]
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == (DeliveryStatus.SENT, 1, None)


@pytest.mark.django_db
def test_a_row_claimed_by_a_live_sender_is_left_to_it_and_a_dead_senders_claim_expires(
    settings, store_manager, last_week_visits
):
    from django.utils import timezone

    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)
    ReportDelivery.objects.filter(pk=pk).update(status=DeliveryStatus.SENDING, claimed_at=timezone.now())
    with pytest.raises(services.DeliveryBusy) as busy:
        services.deliver_report(pk)
    assert 0 < busy.value.retry_in <= services.claim_expiry().total_seconds() + 1
    assert mail.outbox == []

    long_ago = timezone.now() - services.claim_expiry() - timezone.timedelta(seconds=1)
    ReportDelivery.objects.filter(pk=pk).update(claimed_at=long_ago)
    assert services.deliver_report(pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["deactivated", "moved_to_another_store"])
def test_a_report_retried_after_its_manager_left_the_store_is_not_sent(
    settings, store_manager, last_week_visits, other_store, change
):
    settings.EMAIL_BACKEND = "tests.notifications.backends.BrokenBackend"
    [pk] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)
    with pytest.raises(services.DeliveryFailed):
        services.deliver_report(pk)
    if change == "deactivated":
        user_deactivate(user=store_manager)
    else:
        store_manager.stores.set([other_store])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert services.deliver_report(pk) == "skipped"
    assert mail.outbox == []
    assert ReportDelivery.objects.get(pk=pk).status == DeliveryStatus.SKIPPED


@pytest.mark.django_db
def test_an_alert_is_not_sent_to_a_supervisor_who_no_longer_has_the_region(shopper, supervisor, store, other_region):
    visit = submit_visit(
        observer=shopper,
        store=store,
        interactions=[interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=1)],
    )
    VisitAlert.objects.filter(visit=visit).delete()
    services.alerts_for_visit(visit.pk)
    alert = VisitAlert.objects.get(visit=visit, recipient=supervisor)
    supervisor.regions.set([other_region])
    mail.outbox.clear()

    assert services.deliver_alert(alert.pk) == "skipped"
    assert mail.outbox == []
