"""The review rules through the API: 403 for one's own visit, 409 for a second decision, override by head office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import ReviewDecision

from ..factories import UserFactory, submit_visit
from .conftest import as_user

pytestmark = pytest.mark.django_db


def review(user, visit, **body):
    return as_user(user).post(reverse("visit-review", args=[visit.pk]), body, format="json")


def test_reviewing_ones_own_visit_is_403(supervisor, store):
    visit = submit_visit(observer=supervisor, store=store, minutes=2)
    response = review(supervisor, visit, decision="approve")
    assert response.status_code == 403
    assert response.json() == {"detail": "Nobody reviews their own visit."}


def test_a_supervisor_cannot_undo_head_offices_rejection(supervisor, head_office, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    assert review(head_office, visit, decision="reject", note="Not there").status_code == 200
    response = review(supervisor, visit, decision="approve")
    assert response.status_code == 409
    assert "only head office can override" in response.json()["detail"]


def test_head_office_overrides_explicitly_with_a_note(supervisor, head_office, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    review(supervisor, visit, decision="approve")
    assert review(head_office, visit, decision="reject", note="Wrong receipt").status_code == 409
    response = review(head_office, visit, decision="reject", note="Wrong receipt", override=True)
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert ReviewDecision.objects.get(visit=visit, overrides=True).decided_by == head_office


def test_undo_through_the_api(supervisor, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    review(supervisor, visit, decision="approve")
    response = as_user(supervisor).post(reverse("visit-review-undo", args=[visit.pk]))
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert as_user(supervisor).post(reverse("visit-review-undo", args=[visit.pk])).status_code == 409


def test_bulk_approve_and_undo_the_batch(supervisor, shopper, store):
    plain = submit_visit(observer=shopper, store=store)
    flagged = submit_visit(observer=UserFactory(username="shopper-two", stores=[store]), store=store, minutes=1)
    client = as_user(supervisor)
    response = client.post(
        reverse("visit-approve-unflagged"), {"visits": [str(plain.pk), str(flagged.pk)]}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["approved"], body["left"]) == ([str(plain.pk)], [str(flagged.pk)])
    queue = client.get(reverse("visit-review-queue")).json()
    assert queue["count"] == len(queue["results"]) == 1

    undo = client.post(reverse("visit-review-undo-batch"), {"batch": body["batch"]}, format="json")
    assert undo.status_code == 200
    queue = client.get(reverse("visit-review-queue")).json()
    assert queue["count"] == len(queue["results"]) == 2


def test_the_queue_filters_and_its_count_follows_decisions(supervisor, shopper, store, other_store, head_office):
    zurich = UserFactory(username="shopper-zh", stores=[other_store])
    flagged = submit_visit(observer=shopper, store=store, minutes=1)
    plain = submit_visit(observer=UserFactory(username="shopper-two", stores=[store]), store=store)
    elsewhere = submit_visit(observer=zurich, store=other_store)
    client = as_user(head_office)

    def ids(**params):
        body = client.get(reverse("visit-review-queue"), params).json()
        assert body["count"] == len(body["results"])
        return [item["id"] for item in body["results"]]

    assert ids() == [str(flagged.pk), str(plain.pk), str(elsewhere.pk)]  # flagged first, then oldest
    assert ids(store="zrh-hb") == [str(elsewhere.pk)]
    assert ids(region="north") == [str(flagged.pk), str(plain.pk)]
    assert ids(flag="flagged") == [str(flagged.pk)]
    assert ids(flag="duration_implausible") == [str(flagged.pk)]
    assert ids(flag="far_from_store") == []
    assert ids(flag="unflagged") == [str(plain.pk), str(elsewhere.pk)]
    assert ids(min_age_days=1) == []
    review(head_office, plain, decision="approve")
    assert ids() == [str(flagged.pk), str(elsewhere.pk)]
    assert client.get(reverse("visit-review-queue"), {"flag": "nonsense"}).status_code == 400


def test_a_question_goes_to_the_shopper_who_answers_it(supervisor, shopper, store):
    visit = submit_visit(observer=shopper, store=store, minutes=1)
    asked = as_user(supervisor).post(
        reverse("visit-question", args=[visit.pk]), {"question": "Were you really there 1 minute?"}, format="json"
    )
    assert asked.status_code == 201
    queue = as_user(supervisor).get(reverse("visit-review-queue")).json()
    assert queue["results"][0]["waiting_for_shopper"] is True

    mine = as_user(shopper).get(reverse("question-list")).json()
    assert [q["question"] for q in mine] == ["Were you really there 1 minute?"]
    assert (mine[0]["store"], mine[0]["store_name"]) == ("ber-mitte", "Berlin Mitte")  # the phone shows the name
    answer = as_user(shopper).post(
        reverse("question-answer", args=[mine[0]["id"]]), {"answer": "Yes, the store was empty."}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["answer"] == "Yes, the store was empty."
    assert as_user(shopper).get(reverse("question-list")).json() == []
    queue = as_user(supervisor).get(reverse("visit-review-queue")).json()
    assert queue["results"][0]["waiting_for_shopper"] is False


def test_nobody_else_answers_a_shoppers_question(supervisor, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    question_id = (
        as_user(supervisor)
        .post(reverse("visit-question", args=[visit.pk]), {"question": "Which till?"}, format="json")
        .json()["id"]
    )
    other = UserFactory(username="shopper-other", stores=[store])
    response = as_user(other).post(reverse("question-answer", args=[question_id]), {"answer": "3"}, format="json")
    assert response.status_code == 404
