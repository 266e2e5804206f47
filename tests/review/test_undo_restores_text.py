"""An undo gives the visit back exactly what the decision replaced, the text managers read included."""

from __future__ import annotations

import pytest

from observations.models import VisitStatus
from observations.review import review_undo, visit_review

from ..factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db

OBSERVED = "The man at the till (name tag: Jonas) ignored me."
REDACTED = "Staff at the till ignored the customer."


def test_undoing_an_overriding_rejection_restores_the_reviewers_redacted_text(shopper, supervisor, head_office, store):
    visit = submit_visit(
        observer=shopper,
        store=store,
        notes=OBSERVED,
        interactions=[interaction_input(notes=OBSERVED), interaction_input(notes="fine")],
    )
    visit_review(
        visit=visit, reviewer=supervisor, decision="approve", reviewed_notes=REDACTED, interaction_notes={1: REDACTED}
    )
    rejected = visit_review(visit=visit, reviewer=head_office, decision="reject", note="wrong store", override=True)
    assert rejected.reviewed_notes == ""
    assert set(rejected.interactions.values_list("reviewed_notes", flat=True)) == {""}

    [restored] = review_undo(reviewer=head_office, visit=visit)

    restored.refresh_from_db()
    assert (restored.status, restored.reviewed_by, restored.reviewed_notes) == (
        VisitStatus.APPROVED,
        supervisor,
        REDACTED,
    )
    assert list(restored.interactions.order_by("position").values_list("reviewed_notes", flat=True)) == [
        REDACTED,
        "fine",
    ]


def test_undoing_an_approval_takes_the_text_away_from_managers_again(shopper, supervisor, store):
    visit = submit_visit(
        observer=shopper, store=store, notes=OBSERVED, interactions=[interaction_input(notes=OBSERVED)]
    )
    visit_review(visit=visit, reviewer=supervisor, decision="approve", reviewed_notes=REDACTED)

    [restored] = review_undo(reviewer=supervisor, visit=visit)

    assert (restored.status, restored.reviewed_notes) == (VisitStatus.SUBMITTED, "")
    assert restored.interactions.get().reviewed_notes == ""
