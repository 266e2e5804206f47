"""The set-password invitation goes through the outbox: recorded with the change, sent once by a
worker after the commit, on record and retried when the mail server fails, never lost when the
broker is down."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core import outbox
from core.models import OutboxItem
from notifications.models import DeliveryStatus, SetPasswordMail
from stores.models import Role, User

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "username": "ines",
    "email": "ines@example.com",
    "role": Role.HEAD_OFFICE,
    "language": "en",
    "usable_password": "false",
}


@pytest.fixture
def broker_down(settings, monkeypatch):
    """A deployment whose broker does not answer: nothing is done inline, no kick gets through."""
    from core import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = True
    monkeypatch.setattr(tasks.run_outbox, "apply_async", unreachable)
    monkeypatch.setattr(outbox, "_next_kick", 0.0)


def test_with_the_broker_down_the_invitation_waits_in_the_outbox_and_the_sweep_sends_it_once(
    client, head_office, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(head_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:stores_user_add"), NEW_PERSON)
    assert response.status_code == 302
    assert mail.outbox == []
    assert OutboxItem.objects.filter(kind="set_password_email").count() == 1

    outbox.run()  # the beat's sweep, once a worker is up
    outbox.run()

    [message] = mail.outbox
    assert message.to == ["ines@example.com"]
    assert "/accounts/reset/" in message.body
    record = SetPasswordMail.objects.get()
    assert (record.recipient.username, record.status, record.attempts) == ("ines", DeliveryStatus.SENT, 1)
    assert not OutboxItem.objects.exists()


def test_a_failing_mail_server_is_on_record_and_the_invitation_is_retried(client, head_office, broker_down, settings):
    client.force_login(head_office)
    client.post(reverse("admin:stores_user_add"), NEW_PERSON)
    settings.EMAIL_BACKEND = "tests.notifications.backends.BrokenBackend"

    outbox.run()

    record = SetPasswordMail.objects.get()
    assert (record.status, record.attempts) == (DeliveryStatus.FAILED, 1)
    assert "mail server refused the connection" in record.last_error
    item = OutboxItem.objects.get(kind="set_password_email")
    assert item.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxItem.objects.update(available_at=item.created_at)  # its backoff has passed

    outbox.run()

    assert SetPasswordMail.objects.get().status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_an_invitation_to_someone_deactivated_before_it_went_out_is_not_sent(client, head_office, broker_down):
    client.force_login(head_office)
    client.post(reverse("admin:stores_user_add"), NEW_PERSON)
    User.objects.filter(username="ines").update(is_active=False)

    outbox.run()

    assert mail.outbox == []
    assert SetPasswordMail.objects.get().status == DeliveryStatus.SKIPPED


def test_asking_twice_sends_twice_and_a_retried_task_never_does(client, head_office, shopper, broker_down):
    client.force_login(head_office)
    changelist = reverse("admin:stores_user_changelist")
    for _ in range(2):
        client.post(changelist, {"action": "send_set_password_email", "_selected_action": [shopper.pk]})
    [first, _second] = OutboxItem.objects.order_by("pk")

    outbox.run()
    outbox._do_one([first], outbox.kinds()["set_password_email"], first.payload)  # the first, done again

    assert len(mail.outbox) == 2
    assert SetPasswordMail.objects.filter(status=DeliveryStatus.SENT).count() == 2
