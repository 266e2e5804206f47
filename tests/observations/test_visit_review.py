from __future__ import annotations

import pytest

from observations.models import Visit, VisitStatus
from observations.review import ReviewNotAllowed, visit_review
from observations.services import VisitInvalid

from ..factories import UserFactory, submit_visit

pytestmark = pytest.mark.django_db


def test_supervisor_approves_a_visit_of_their_region(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store, minutes=1)
    visit_review(visit=visit, reviewer=supervisor, decision="approve", note="")

    visit.refresh_from_db()
    assert visit.status == VisitStatus.APPROVED
    assert visit.reviewed_by == supervisor
    assert visit.reviewed_at is not None
    assert not Visit.objects.awaiting_review().exists()


def test_rejecting_needs_a_note(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    with pytest.raises(VisitInvalid) as error:
        visit_review(visit=visit, reviewer=supervisor, decision="reject", note="  ")
    assert error.value.errors == {"note": "is required when rejecting a visit."}
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED


def test_rejected_visits_no_longer_count(shopper, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=head_office, decision="reject", note="Store was closed that day")
    assert not Visit.objects.counted().exists()
    assert Visit.objects.get().review_note == "Store was closed that day"


def test_approved_only_counts_just_approved_visits(shopper, supervisor, store):
    approved = submit_visit(observer=shopper, store=store)
    submit_visit(observer=shopper, store=store)
    visit_review(visit=approved, reviewer=supervisor, decision="approve")
    assert Visit.objects.counted().count() == 2
    assert list(Visit.objects.counted(approved_only=True)) == [Visit.objects.get(pk=approved.pk)]


@pytest.mark.parametrize("role", ["shopper", "manager"])
def test_shoppers_and_managers_cannot_review(shopper, store, role):
    visit = submit_visit(observer=shopper, store=store)
    outsider = UserFactory(username=f"not-a-reviewer-{role}", role=role, stores=[store])
    with pytest.raises(ReviewNotAllowed):
        visit_review(visit=visit, reviewer=outsider, decision="approve")


def test_a_supervisor_of_another_region_cannot_review(shopper, store, other_region):
    visit = submit_visit(observer=shopper, store=store)
    elsewhere = UserFactory(username="supervisor-south", role="supervisor", regions=[other_region])
    with pytest.raises(ReviewNotAllowed):
        visit_review(visit=visit, reviewer=elsewhere, decision="approve")


def test_unknown_decision_is_refused(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    with pytest.raises(VisitInvalid) as error:
        visit_review(visit=visit, reviewer=supervisor, decision="maybe")
    assert "decision" in error.value.errors


def test_the_approved_only_setting_decides_what_counts_unless_asked(settings, shopper, supervisor, store):
    approved = submit_visit(observer=shopper, store=store)
    submit_visit(observer=shopper, store=store)
    visit_review(visit=approved, reviewer=supervisor, decision="approve")
    settings.OASIS_REPORTS_APPROVED_ONLY = True
    assert list(Visit.objects.counted()) == [Visit.objects.get(pk=approved.pk)]
    assert [visit.is_counted for visit in Visit.objects.order_by("status")] == [True, False]
    assert Visit.objects.counted(approved_only=False).count() == 2


def test_a_supervisor_of_another_region_may_not_review(shopper, store, other_region):
    visit = submit_visit(observer=shopper, store=store)
    elsewhere = UserFactory(username="supervisor-south", role="supervisor", regions=[other_region])
    with pytest.raises(ReviewNotAllowed):
        visit_review(visit=visit, reviewer=elsewhere, decision="approve")
