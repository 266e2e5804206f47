"""Beat's follow-up of published waves: overdue marking, reminders, re-offers, each e-mail once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from planning import followup
from planning.models import Assignment, AssignmentMail, AssignmentStatus
from planning.services import assignment_decline, wave_plan, wave_publish
from stores.models import Role
from tests.factories import UserFactory

from .conftest import make_wave

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 3, 13)  # a Wednesday


@pytest.fixture(autouse=True)
def outbox_inline(settings):
    settings.OASIS_OUTBOX_INLINE = True
    settings.OASIS_PLANNING_REMIND_DAYS = 1


@pytest.fixture
def running_wave(head_office, store, shoppers):
    """Published, Monday 4 March to Sunday 31 March 2030; one visit, first week (window already over)."""
    wave = make_wave(head_office, stores=[store], fixed_visits=1, starts_on=dt.date(2030, 3, 4))
    wave_plan(wave=wave, by=head_office)
    wave_publish(wave=wave, by=head_office)
    return wave


def sent(kind: str) -> list[str]:
    """Addresses of the e-mails of this kind that went out (each has its delivery row)."""
    return [
        row.recipient.email
        for row in AssignmentMail.objects.filter(kind=kind, status="sent").select_related("recipient")
    ]


def sweep(captured, today=TODAY):
    with captured(execute=True):
        return followup.sweep(today=today)


def set_window(assignment, start, end):
    Assignment.objects.filter(pk=assignment.pk).update(window_start=start, window_end=end)


def test_a_window_that_passed_without_a_visit_is_overdue_and_the_shopper_hears_once(
    running_wave, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.get(wave=running_wave)
    set_window(assignment, dt.date(2030, 3, 4), dt.date(2030, 3, 8))
    result = sweep(django_capture_on_commit_callbacks)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.OVERDUE
    assert result.overdue == [assignment.pk]
    assert sent("overdue") == [assignment.shopper.email]
    assert "überfällig" in mail.outbox[0].subject  # in the shopper's language
    sweep(django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=1))
    assert sent("overdue") == [assignment.shopper.email]


def test_an_overdue_assignment_is_offered_to_another_shopper_and_stays_overdue(
    running_wave, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.get(wave=running_wave)
    set_window(assignment, dt.date(2030, 3, 4), dt.date(2030, 3, 8))
    result = sweep(django_capture_on_commit_callbacks)
    assignment.refresh_from_db()
    replacement = Assignment.objects.exclude(pk=assignment.pk).get(wave=running_wave)
    assert (assignment.status, assignment.reoffered) == (AssignmentStatus.OVERDUE, True)
    assert replacement.shopper not in (None, assignment.shopper)
    assert replacement.window_start >= TODAY
    assert replacement.reason["code"] == "reoffered"
    assert result.reoffered == [replacement.pk]
    assert sent("offer") == [replacement.shopper.email]


def test_a_declined_assignment_is_offered_to_someone_who_did_not_decline(
    running_wave, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.get(wave=running_wave)
    set_window(assignment, dt.date(2030, 3, 11), dt.date(2030, 3, 15))
    first = assignment.shopper
    assignment_decline(assignment=assignment, shopper=first, reason="I know the staff")
    sweep(django_capture_on_commit_callbacks)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED
    assert assignment.shopper not in (None, first)


def test_a_shopper_is_reminded_once_the_day_before_the_window_closes(running_wave, django_capture_on_commit_callbacks):
    assignment = Assignment.objects.get(wave=running_wave)
    set_window(assignment, dt.date(2030, 3, 11), dt.date(2030, 3, 14))
    assert sweep(django_capture_on_commit_callbacks).reminded == [assignment.pk]
    assert sweep(django_capture_on_commit_callbacks).reminded == []
    assert sent("reminder") == [assignment.shopper.email]
    assert [m.to for m in mail.outbox] == [[assignment.shopper.email]]


def test_delivering_the_same_mail_twice_sends_it_once(running_wave):
    assignment = Assignment.objects.get(wave=running_wave)
    payload = {"assignment": assignment.pk, "kind": "reminder", "recipient": assignment.shopper_id}
    followup.deliver_mail(payload)
    followup.deliver_mail(payload)
    assert len(mail.outbox) == 1


def test_no_planning_mail_ever_reaches_a_store_manager(
    running_wave, store, manager, supervisor, django_capture_on_commit_callbacks
):
    UserFactory(username="second-manager", role=Role.MANAGER, stores=[store])
    assignment = Assignment.objects.get(wave=running_wave)
    set_window(assignment, dt.date(2030, 3, 4), dt.date(2030, 3, 8))
    for day in range(0, 20):
        sweep(django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=day))
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients
    shopper_addresses = set(UserFactory._meta.model.objects.filter(role=Role.SHOPPER).values_list("email", flat=True))
    assert recipients <= shopper_addresses
    assert manager.email not in recipients
