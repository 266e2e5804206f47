"""Reviews that hold: nobody reviews their own visit, a decision someone else took stands unless
head office overrides it with a note, and every decision and undo is in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from observations.models import ReviewAction, ReviewDecision, VisitStatus
from observations.review import (
    ReviewConflict,
    ReviewNotAllowed,
    SelfReview,
    review_undo,
    visit_review,
    visits_approve_unflagged,
)
from observations.services import VisitInvalid
from stores.models import Role

from ..factories import UserFactory, submit_visit

pytestmark = pytest.mark.django_db


def test_a_supervisor_may_not_approve_their_own_flagged_two_minute_visit(supervisor, store):
    visit = submit_visit(observer=supervisor, store=store, minutes=2)
    with pytest.raises(SelfReview):
        visit_review(visit=visit, reviewer=supervisor, decision="approve")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    assert not ReviewDecision.objects.exists()


def test_head_office_may_not_review_its_own_visit_either(head_office, store):
    visit = submit_visit(observer=head_office, store=store)
    with pytest.raises(SelfReview):
        visit_review(visit=visit, reviewer=head_office, decision="approve")


def test_a_second_decision_by_someone_else_is_refused(shopper, supervisor, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=head_office, decision="reject", note="Not in the store")
    with pytest.raises(ReviewConflict):
        visit_review(visit=visit, reviewer=supervisor, decision="approve")
    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_by) == (VisitStatus.REJECTED, head_office)


def test_a_supervisor_cannot_override_even_when_asking_to(shopper, supervisor, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=head_office, decision="reject", note="Not in the store")
    with pytest.raises(ReviewConflict):
        visit_review(visit=visit, reviewer=supervisor, decision="approve", note="I was there", override=True)


def test_head_office_overrides_with_a_note_and_the_override_is_recorded(shopper, supervisor, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=supervisor, decision="approve")
    with pytest.raises(VisitInvalid) as error:
        visit_review(visit=visit, reviewer=head_office, decision="reject", note=" ", override=True)
    assert error.value.errors == {"note": "is required when rejecting a visit."}
    with pytest.raises(ReviewConflict):
        visit_review(visit=visit, reviewer=head_office, decision="reject", note="Receipt is from another store")

    visit_review(
        visit=visit, reviewer=head_office, decision="reject", note="Receipt is from another store", override=True
    )

    first, override = ReviewDecision.objects.filter(visit=visit)
    assert (first.action, first.decided_by, first.overrides) == (ReviewAction.APPROVE, supervisor, False)
    assert (override.action, override.decided_by, override.overrides) == (ReviewAction.REJECT, head_office, True)
    assert (override.previous_status, override.previous_reviewed_by) == (VisitStatus.APPROVED, supervisor)
    assert override.note == "Receipt is from another store"


def test_an_approval_override_needs_a_note_too(shopper, supervisor, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=supervisor, decision="reject", note="Too short")
    with pytest.raises(VisitInvalid) as error:
        visit_review(visit=visit, reviewer=head_office, decision="approve", override=True)
    assert list(error.value.errors) == ["note"]


def test_a_reviewer_may_change_their_own_decision(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=supervisor, decision="approve")
    visit_review(visit=visit, reviewer=supervisor, decision="reject", note="Looked again: far from the store")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REJECTED
    assert ReviewDecision.objects.filter(visit=visit).count() == 2


def test_an_undo_within_five_minutes_restores_what_the_decision_replaced(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    decided = timezone.now()
    visit_review(visit=visit, reviewer=supervisor, decision="approve", now=decided)
    review_undo(reviewer=supervisor, visit=visit, now=decided + dt.timedelta(minutes=4))
    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_by, visit.reviewed_at) == (VisitStatus.SUBMITTED, None, None)
    assert list(ReviewDecision.objects.filter(visit=visit).values_list("action", "undone")) == [
        ("approve", True),
        ("undo", False),
    ]


def test_an_undo_after_five_minutes_is_refused(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    decided = timezone.now()
    visit_review(visit=visit, reviewer=supervisor, decision="approve", now=decided)
    with pytest.raises(ReviewConflict):
        review_undo(reviewer=supervisor, visit=visit, now=decided + dt.timedelta(minutes=6))


def test_only_who_decided_may_undo(shopper, supervisor, store, region):
    colleague = UserFactory(username="supervisor-two", role=Role.SUPERVISOR, regions=[region])
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=supervisor, decision="approve")
    with pytest.raises(ReviewNotAllowed):
        review_undo(reviewer=colleague, visit=visit)


def test_undoing_an_override_brings_the_first_decision_back(shopper, supervisor, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=supervisor, decision="approve")
    visit_review(visit=visit, reviewer=head_office, decision="reject", note="Wrong store", override=True)
    review_undo(reviewer=head_office, visit=visit)
    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_by) == (VisitStatus.APPROVED, supervisor)


def test_bulk_approval_takes_only_unflagged_visits_and_is_undone_as_one(shopper, supervisor, store):
    plain = [submit_visit(observer=UserFactory(username=f"shopper-{n}", stores=[store]), store=store) for n in (1, 2)]
    flagged = submit_visit(observer=shopper, store=store, minutes=1)
    own = submit_visit(observer=supervisor, store=store)

    batch, approved = visits_approve_unflagged(visits=[*plain, flagged, own], reviewer=supervisor)

    assert sorted(v.pk for v in approved) == sorted(v.pk for v in plain)
    flagged.refresh_from_db()
    own.refresh_from_db()
    assert flagged.status == own.status == VisitStatus.SUBMITTED

    review_undo(reviewer=supervisor, batch=batch)
    for visit in plain:
        visit.refresh_from_db()
        assert visit.status == VisitStatus.SUBMITTED
