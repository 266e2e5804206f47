"""A plan notice retried after its recipient lost the store is not sent."""

from __future__ import annotations

import pytest
from django.core import mail

from coaching import notices
from coaching.models import NoticeKind, PlanNotice
from notifications.models import DeliveryStatus

pytestmark = pytest.mark.django_db


def test_a_plan_notice_is_not_sent_to_a_manager_moved_to_another_store(open_plan, plan_manager, other_store):
    [pk] = notices.record(open_plan, NoticeKind.OPENED, [plan_manager])
    plan_manager.stores.set([other_store])
    mail.outbox.clear()

    assert notices.deliver(pk) == "skipped"
    assert mail.outbox == []
    assert PlanNotice.objects.get(pk=pk).status == DeliveryStatus.SKIPPED


def test_a_plan_notice_to_a_manager_still_there_is_sent(open_plan, plan_manager):
    [pk] = notices.record(open_plan, NoticeKind.OPENED, [plan_manager])
    status = PlanNotice.objects.get(pk=pk).status
    if status == DeliveryStatus.PENDING:  # not yet sent inline by the outbox
        assert notices.deliver(pk) == "sent"
    assert PlanNotice.objects.get(pk=pk).status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["plan.manager@store.example"]]
