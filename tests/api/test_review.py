from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories import UserFactory, submit_visit
from .conftest import as_user

pytestmark = pytest.mark.django_db


def review(user, visit, **body):
    return as_user(user).post(reverse("visit-review", args=[visit.pk]), body, format="json")


def test_supervisor_approves_a_visit_of_their_region(supervisor, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    response = review(supervisor, visit, decision="approve")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_rejecting_needs_a_note(supervisor, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    response = review(supervisor, visit, decision="reject", note=" ")
    assert response.status_code == 400
    assert response.json() == {"note": "is required when rejecting a visit."}
    assert review(supervisor, visit, decision="reject", note="Store closed").json()["review_note"] == "Store closed"


def test_an_unknown_decision_is_named(supervisor, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    assert review(supervisor, visit, decision="maybe").json() == {"decision": '"maybe" is not a valid choice.'}


def test_a_supervisor_of_another_region_gets_404(shopper, store, other_region):
    visit = submit_visit(observer=shopper, store=store)
    elsewhere = UserFactory(username="supervisor-south", role="supervisor", regions=[other_region])
    assert review(elsewhere, visit, decision="approve").status_code == 404


@pytest.mark.parametrize("who", ["shopper", "manager"])
def test_shoppers_and_managers_may_not_review(request, shopper, store, who):
    visit = submit_visit(observer=shopper, store=store)
    assert review(request.getfixturevalue(who), visit, decision="approve").status_code == 403


def test_head_office_reviews_anywhere(head_office, other_store):
    zurich = UserFactory(username="shopper-zh", stores=[other_store])
    visit = submit_visit(observer=zurich, store=other_store)
    assert review(head_office, visit, decision="approve").status_code == 200


def test_review_queue_lists_flagged_shopper_visits_first_then_oldest_first(supervisor, shopper, store):
    other = UserFactory(username="shopper-two", stores=[store])
    now = timezone.now()
    newer = submit_visit(observer=shopper, store=store, minutes=1, now=now)
    older = submit_visit(observer=other, store=store, minutes=1, now=now - dt.timedelta(minutes=30),
                         started_at=now - dt.timedelta(hours=3))  # fmt: skip
    plain = submit_visit(observer=UserFactory(username="shopper-three", stores=[store]), store=store, minutes=25)
    response = as_user(supervisor).get(reverse("visit-review-queue"))
    assert response.status_code == 200
    assert [v["id"] for v in response.json()["results"]] == [str(older.pk), str(newer.pk), str(plain.pk)]
    assert response.json()["count"] == 3
    assert response.json()["results"][0]["flags"][0]["code"] == "duration_implausible"
    assert as_user(shopper).get(reverse("visit-review-queue")).status_code == 403


def test_a_supervisor_lists_only_their_own_visits_with_mine(supervisor, shopper, store):
    own = submit_visit(observer=supervisor, store=store)
    submit_visit(observer=shopper, store=store)
    response = as_user(supervisor).get(reverse("visit-list"), {"mine": "true"})
    assert [v["id"] for v in response.json()["results"]] == [str(own.pk)]
    assert len(as_user(supervisor).get(reverse("visit-list")).json()["results"]) == 2
