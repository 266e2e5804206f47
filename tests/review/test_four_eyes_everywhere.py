"""Nobody decides on their own visit, nor changes what managers read of it, through any door:
the admin applies the same review rule as the API and the review pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import ReviewDecision, VisitStatus
from observations.review import visit_review

from ..factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db

OBSERVED = "The man at the till (name tag: Jonas) ignored me."
REDACTED = "Staff at the till ignored the customer."


def change_page_data(client, visit, **changes) -> dict:
    """What the admin's change page of the visit posts, as loaded, with `changes` applied
    (`interactions-0-reviewed_notes` style keys for the inline)."""
    page = client.get(reverse("admin:observations_visit_change", args=[visit.pk]))
    assert page.status_code == 200
    data = {"reviewed_notes": page.context["adminform"].form["reviewed_notes"].value() or "", "reason": ""}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management[name].html_name: management[name].value() for name in management.fields}
        for form in formset.formset.forms:
            for name in form.fields:
                value = form[name].value()
                if isinstance(value, bool):
                    if value:
                        data[form[name].html_name] = "on"
                elif value is not None:
                    data[form[name].html_name] = value
    return data | changes


@pytest.fixture
def own_visit_approved(head_office, supervisor, store):
    """A visit head office recorded itself, approved by the region's supervisor with redacted text."""
    visit = submit_visit(
        observer=head_office, store=store, notes=OBSERVED, interactions=[interaction_input(notes=OBSERVED)]
    )
    return visit_review(
        visit=visit,
        reviewer=supervisor,
        decision="approve",
        reviewed_notes=REDACTED,
        interaction_notes={1: REDACTED},
    )


@pytest.mark.parametrize("field", ["reviewed_notes", "interactions-0-reviewed_notes"])
def test_head_office_cannot_rewrite_in_the_admin_what_managers_read_of_its_own_visit(
    client, head_office, own_visit_approved, field
):
    client.force_login(head_office)
    data = change_page_data(client, own_visit_approved, **{field: OBSERVED, "reason": "I know better"})

    response = client.post(reverse("admin:observations_visit_change", args=[own_visit_approved.pk]), data)

    assert response.status_code == 200  # the form again, with the refusal
    assert "Nobody reviews their own visit." in response.content.decode()
    own_visit_approved.refresh_from_db()
    assert own_visit_approved.reviewed_notes == REDACTED
    assert own_visit_approved.interactions.get().reviewed_notes == REDACTED
    assert own_visit_approved.reviewed_by.username == "supervisor-ben"


def test_head_office_changes_another_reviewers_text_only_with_a_reason_and_on_the_record(
    client, head_office, shopper, supervisor, store
):
    visit = submit_visit(observer=shopper, store=store, notes=OBSERVED)
    visit_review(visit=visit, reviewer=supervisor, decision="approve", reviewed_notes=REDACTED)
    client.force_login(head_office)
    url = reverse("admin:observations_visit_change", args=[visit.pk])

    refused = client.post(url, change_page_data(client, visit, reviewed_notes="Shorter."))
    assert "is required when overriding" in refused.content.decode()
    visit.refresh_from_db()
    assert visit.reviewed_notes == REDACTED

    saved = client.post(url, change_page_data(client, visit, reviewed_notes="Shorter.", reason="too long"))
    assert saved.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_notes, visit.reviewed_by) == (VisitStatus.APPROVED, "Shorter.", head_office)
    decision = ReviewDecision.objects.filter(visit=visit).latest("decided_at", "pk")
    assert (decision.overrides, decision.note, decision.previous_reviewed_notes) == (True, "too long", REDACTED)


def test_the_api_refuses_the_same_self_review(head_office, own_visit_approved):
    from ..api.conftest import as_user

    response = as_user(head_office).post(
        reverse("visit-review", args=[own_visit_approved.pk]),
        {"decision": "approve", "override": True, "note": "mine", "reviewed_notes": OBSERVED},
        format="json",
    )
    assert response.status_code in (403, 404)
    own_visit_approved.refresh_from_db()
    assert own_visit_approved.reviewed_notes == REDACTED
