from __future__ import annotations

import pytest
from django.core import mail

from notifications import services
from notifications.models import DeliveryStatus, VisitAlert
from observations.review import visit_review

from ..factories import UserFactory, interaction_input, submit_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

# Not greeted, hostile face, followed around: SOI (0 + 0 + 0.2 * 50) / 0.7 = 14.3
POOR = {"greeted": False, "greeting_seconds": None, "greeting_personal": False, "smile": 1, "followed": True}


@pytest.fixture
def recipients(supervisor, head_office, other_region):
    supervisor.email = "ben@oasis.example"
    supervisor.save()
    head_office.email = "dora@oasis.example"
    head_office.save()
    UserFactory(username="supervisor-south", role="supervisor", regions=[other_region], email="south@oasis.example")


def test_a_poor_visit_alerts_the_regions_supervisors_and_head_office_once(
    shopper, store, recipients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = submit_visit(observer=shopper, store=store, interactions=[interaction_input(**POOR)])
    assert visit.soi < 50
    assert sorted(m.to[0] for m in mail.outbox) == ["ben@oasis.example", "dora@oasis.example"]
    assert "Berlin Mitte" in mail.outbox[0].subject
    assert "shopper-anna" not in mail.outbox[0].body

    # The alert task running again (a retry, a redelivery) sends nothing more.
    for alert_id in services.alerts_for_visit(visit.pk):
        services.deliver_alert(alert_id)
    assert len(mail.outbox) == 2
    assert VisitAlert.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_a_good_visit_alerts_no_one(shopper, store, recipients, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_visit(observer=shopper, store=store)
    assert mail.outbox == []
    assert not VisitAlert.objects.exists()


def test_a_visit_rejected_before_its_alert_went_out_alerts_no_one(shopper, supervisor, store, recipients):
    visit = submit_visit(observer=shopper, store=store, interactions=[interaction_input(**POOR)])
    alert_ids = services.alerts_for_visit(visit.pk)
    visit_review(visit=visit, reviewer=supervisor, decision="reject", note="Not our store")
    assert [services.deliver_alert(pk) for pk in alert_ids] == ["skipped", "skipped"]
    assert mail.outbox == []
    assert services.alerts_for_visit(visit.pk) == []


def test_the_threshold_is_a_setting(settings, shopper, store, recipients, django_capture_on_commit_callbacks):
    settings.OASIS_ALERT_SOI_BELOW = 101
    with django_capture_on_commit_callbacks(execute=True):
        submit_visit(observer=shopper, store=store)
    assert len(mail.outbox) == 2


def test_counting_only_approved_visits_a_poor_visit_alerts_once_it_is_approved(
    settings, shopper, supervisor, store, recipients, django_capture_on_commit_callbacks
):
    settings.OASIS_REPORTS_APPROVED_ONLY = True
    with django_capture_on_commit_callbacks(execute=True):
        visit = submit_visit(observer=shopper, store=store, interactions=[interaction_input(**POOR)])
    assert mail.outbox == []  # submitted visits do not count yet
    with django_capture_on_commit_callbacks(execute=True):
        visit_review(visit=visit, reviewer=supervisor, decision="approve")
    assert sorted(m.to[0] for m in mail.outbox) == ["ben@oasis.example", "dora@oasis.example"]
