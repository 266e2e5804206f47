"""Notes reach store managers only once a supervisor or head office approved the visit, as the
reviewer left them, with no date finer than the week; never an unreviewed or rejected visit's."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import emails
from notifications.models import ReportDelivery, ReportKind
from observations.review import visit_review

from ..factories import UserFactory, interaction_input
from .conftest import PERFECT, W11, visit

pytestmark = pytest.mark.django_db

UNREVIEWED = "Shopper Max M. here, unreviewed."
REJECTED = "(Jana?) rolled her eyes, rejected."
ORIGINAL = "Shopper Max M. here: the fitting rooms were tidy."
EDITED = "The fitting rooms were tidy."
ORIGINAL_AT_TILL = "(Jana?) rolled her eyes at the till."
EDITED_AT_TILL = "Staff at the till seemed impatient."


@pytest.fixture
def three_visits(store, shopper, supervisor, head_office):
    """W11: one visit not reviewed, one rejected, one approved with its notes edited by the reviewer."""
    visit(shopper, store, "2026-03-10 10:00", interaction_input(notes=UNREVIEWED), notes=UNREVIEWED)
    rejected = visit(shopper, store, "2026-03-11 10:00", interaction_input(notes=REJECTED), notes=REJECTED)
    visit_review(visit=rejected, reviewer=supervisor, decision="reject", note="not plausible")
    approved = visit(
        shopper, store, "2026-03-12 10:00", PERFECT, interaction_input(notes=ORIGINAL_AT_TILL), notes=ORIGINAL
    )
    visit_review(
        visit=approved,
        reviewer=supervisor,
        decision="approve",
        reviewed_notes=EDITED,
        interaction_notes={2: EDITED_AT_TILL},
    )
    return approved


def manager_bodies(client: Client) -> dict[str, str]:
    api = reverse("report-store-weekly", kwargs={"code": "ber-mitte"})
    page = reverse("reports:store", kwargs={"code": "ber-mitte"})
    bodies = {}
    for name, url, extra, headers in [
        ("json", api, {}, {}),
        ("csv", api, {"format": "csv"}, {}),
        ("page-en", page, {}, {"accept-language": "en"}),
        ("page-de", page, {}, {"accept-language": "de"}),
    ]:
        response = client.get(url, {"week": "2026-W11", **extra}, headers=headers)
        assert response.status_code == 200, name
        bodies[name] = response.content.decode()
    return bodies


def test_unreviewed_and_rejected_notes_and_originals_never_reach_a_manager(client, manager, three_visits):
    client.force_login(manager)
    bodies = manager_bodies(client)
    delivery = ReportDelivery.objects.create(
        kind=ReportKind.STORE_WEEKLY, store=manager.stores.get(), week_start=W11, recipient=manager
    )
    message = emails.report_message(delivery)
    bodies["email"] = message.body + message.alternatives[0][0]
    for name, body in bodies.items():
        for text in (UNREVIEWED, REJECTED, ORIGINAL, ORIGINAL_AT_TILL, "Max M.", "Jana"):
            assert text not in body, f"{text!r} reached a manager through {name}"
    for name in ("json", "page-en", "page-de"):
        assert EDITED in bodies[name] and EDITED_AT_TILL in bodies[name], name
    assert not mail.outbox  # rendering is not sending


def test_a_note_shown_to_a_manager_carries_only_its_week(api, manager, three_visits):
    # neither the kind of observer (which would count the shopper's visits) nor the contact's
    # position in its visit (contact 14 can only be a supervisor's walk)
    api.force_authenticate(manager)
    notes = api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).json()["notes"]
    assert notes == [
        {"by": "from a visit", "observer_role": None, "week": "2026-W11", "interaction": None,
         "reviewed": True, "text": EDITED},
        {"by": "from a visit", "observer_role": None, "week": "2026-W11", "interaction": None,
         "reviewed": True, "text": EDITED_AT_TILL},
    ]  # fmt: skip


def test_the_managers_page_shows_no_day_of_a_note(client, manager, three_visits):
    client.force_login(manager)
    html = client.get(reverse("reports:store", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).content.decode()
    notes = html.split('class="notes"')[1].split("</ul>")[0]
    assert "2026" not in notes and "12.03" not in notes and "3/12" not in notes


def test_head_office_sees_unreviewed_notes_marked_and_the_original_in_the_audit_trail(api, head_office, three_visits):
    api.force_authenticate(head_office)
    notes = api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).json()["notes"]
    assert [(note["text"], note["reviewed"]) for note in notes if note["interaction"] is None] == [
        (UNREVIEWED, False),
        (EDITED, True),
    ]
    approved = three_visits
    approved.refresh_from_db()
    assert (approved.notes, approved.reviewed_notes) == (ORIGINAL, EDITED)
    assert approved.history.filter(notes=ORIGINAL, reviewed_notes="").exists()  # as submitted
    assert approved.history.filter(reviewed_notes=EDITED).exists()  # as reviewed


def test_the_review_api_takes_the_text_managers_will_read(api, store, shopper, supervisor, manager):
    submitted = visit(shopper, store, "2026-03-10 10:00", interaction_input(notes=ORIGINAL_AT_TILL), notes=ORIGINAL)
    api.force_authenticate(supervisor)
    response = api.post(
        reverse("visit-review", kwargs={"pk": submitted.pk}),
        {"decision": "approve", "reviewed_notes": EDITED, "interactions": [{"position": 1, "notes": EDITED_AT_TILL}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["notes"], response.json()["reviewed_notes"]) == (ORIGINAL, EDITED)
    api.force_authenticate(manager)
    notes = api.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).json()["notes"]
    assert [note["text"] for note in notes] == [EDITED, EDITED_AT_TILL]


def test_edited_notes_are_refused_with_a_rejection(api, store, shopper, supervisor):
    submitted = visit(shopper, store, "2026-03-10 10:00", PERFECT, notes=ORIGINAL)
    api.force_authenticate(supervisor)
    response = api.post(
        reverse("visit-review", kwargs={"pk": submitted.pk}),
        {"decision": "reject", "note": "not plausible", "reviewed_notes": EDITED},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reviewed_notes"]


def test_an_edit_for_an_interaction_the_visit_lacks_is_refused(api, store, shopper, supervisor):
    submitted = visit(shopper, store, "2026-03-10 10:00", PERFECT, notes=ORIGINAL)
    api.force_authenticate(supervisor)
    response = api.post(
        reverse("visit-review", kwargs={"pk": submitted.pk}),
        {"decision": "approve", "interactions": [{"position": 7, "notes": EDITED}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["interactions.7.notes"]


def test_approving_without_edits_passes_the_observers_text_on(store, shopper, supervisor, manager):
    submitted = visit(shopper, store, "2026-03-10 10:00", interaction_input(notes=ORIGINAL_AT_TILL), notes=EDITED)
    visit_review(visit=submitted, reviewer=supervisor, decision="approve")
    submitted.refresh_from_db()
    assert submitted.reviewed_notes == EDITED
    assert submitted.interactions.get().reviewed_notes == ORIGINAL_AT_TILL


def test_a_supervisors_own_unreviewed_visit_keeps_its_notes_from_managers(client, store, supervisor, manager):
    visit(supervisor, store, "2026-03-10 10:00", PERFECT, notes=UNREVIEWED)
    client.force_login(manager)
    html = client.get(reverse("reports:store", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"}).content.decode()
    assert UNREVIEWED not in html


def test_a_second_manager_elsewhere_reads_nothing_of_this_store(client, other_store, three_visits):
    stranger = UserFactory(username="elsewhere", role="manager", stores=[other_store])
    client.force_login(stranger)
    response = client.get(reverse("report-store-weekly", kwargs={"code": "ber-mitte"}), {"week": "2026-W11"})
    assert response.status_code == 404
