"""Every change to a submitted visit, its interactions, stores and the rubric is on record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Interaction, Rubric, Visit
from observations.review import visit_review
from stores.models import Store

from ..factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db


def test_a_review_is_recorded_with_who_and_when(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    visit_review(visit=visit, reviewer=supervisor, decision="reject", note="Shop was closed")

    latest = Visit.history.filter(id=visit.pk).latest("history_date")
    assert latest.status == "rejected"
    assert latest.history_user == supervisor
    assert latest.history_type == "~"
    assert latest.review_note == "Shop was closed"


def test_head_office_corrects_an_interaction_in_the_admin_and_the_visit_is_scored_again(
    client, shopper, head_office, store
):
    visit = submit_visit(observer=shopper, store=store, interactions=[interaction_input(smile=5)])
    interaction = visit.interactions.get()
    client.force_login(head_office)
    url = reverse("admin:observations_visit_change", args=[visit.pk])
    form = {
        "notes": "",
        "interactions-TOTAL_FORMS": "1",
        "interactions-INITIAL_FORMS": "1",
        "interactions-MIN_NUM_FORMS": "0",
        "interactions-MAX_NUM_FORMS": "1000",
        "interactions-0-id": str(interaction.pk),
        "interactions-0-visit": str(visit.pk),
        "interactions-0-greeted": "on",
        "interactions-0-greeting_seconds": "10",
        "interactions-0-greeting_personal": "on",
        "interactions-0-smile": "1",
        "interactions-0-unsolicited_approaches": "0",
        "interactions-0-notes": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]

    visit.refresh_from_db()
    assert visit.smile_score == 0.0
    assert visit.soi == pytest.approx((30 + 0 + 20) / 0.7)
    changes = Interaction.history.filter(id=interaction.pk).order_by("history_date")
    assert [record.smile for record in changes] == [5, 1, 1]  # as submitted, the correction, the new scores
    assert changes.last().history_user == head_office


def test_an_inconsistent_correction_is_refused_with_the_rule(client, shopper, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    interaction = visit.interactions.get()
    client.force_login(head_office)
    response = client.post(
        reverse("admin:observations_visit_change", args=[visit.pk]),
        {
            "notes": "",
            "interactions-TOTAL_FORMS": "1",
            "interactions-INITIAL_FORMS": "1",
            "interactions-MIN_NUM_FORMS": "0",
            "interactions-MAX_NUM_FORMS": "1000",
            "interactions-0-id": str(interaction.pk),
            "interactions-0-visit": str(visit.pk),
            "interactions-0-greeting_seconds": "10",  # not greeted, yet a greeting time
            "interactions-0-smile": "3",
            "interactions-0-unsolicited_approaches": "0",
        },
    )
    assert response.status_code == 200
    assert "must be null when greeted is false." in response.content.decode()
    assert Visit.objects.get().smile_score == 100.0


def test_store_and_rubric_changes_are_recorded(head_office, store):
    store.name = "Berlin Mitte (renovated)"
    store.save()
    assert [h.name for h in Store.history.filter(id=store.pk).order_by("history_date")] == [
        "Berlin Mitte",
        "Berlin Mitte (renovated)",
    ]
    Rubric.objects.create(version=2, oasis_min_soi=80)
    assert Rubric.history.filter(version=2, history_type="+").exists()


def test_visits_cannot_be_deleted_in_the_admin(client, shopper, head_office, store):
    visit = submit_visit(observer=shopper, store=store)
    client.force_login(head_office)
    response = client.post(reverse("admin:observations_visit_delete", args=[visit.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_interactions_submitted_with_a_visit_are_on_record_with_their_observer(shopper, store):
    visit = submit_visit(
        observer=shopper, store=store, interactions=[interaction_input(smile=4), interaction_input(smile=2)]
    )
    records = Interaction.history.filter(visit_id=visit.pk).order_by("position")
    assert [(r.position, r.smile, r.history_type, r.history_user) for r in records] == [
        (1, 4, "+", shopper),
        (2, 2, "+", shopper),
    ]


def test_a_correction_shows_the_original_values(shopper, head_office, store):
    visit = submit_visit(observer=shopper, store=store, interactions=[interaction_input(smile=5, notes="Lovely")])
    interaction = visit.interactions.get()
    interaction.smile = 2
    interaction.notes = "Corrected"
    interaction._history_user = head_office
    interaction.save()
    original, correction = Interaction.history.filter(id=interaction.pk).order_by("history_date")
    assert (original.smile, original.notes, original.history_user) == (5, "Lovely", shopper)
    assert (correction.smile, correction.notes, correction.history_user) == (2, "Corrected", head_office)
    assert {change.field for change in correction.diff_against(original).changes} == {"smile", "notes"}


def test_a_submitted_visit_is_on_record_as_created_by_its_observer_with_what_was_stored(shopper, store):
    visit = submit_visit(observer=shopper, store=store, interactions=[interaction_input(smile=4)])
    [record] = Visit.history.filter(id=visit.pk)
    stored = Visit.objects.get(pk=visit.pk)
    assert (record.history_type, record.history_user, record.history_date) == ("+", shopper, stored.submitted_at)
    assert (record.soi, record.notes, record.store_id, record.status) == (
        stored.soi,
        stored.notes,
        stored.store_id,
        stored.status,
    )
