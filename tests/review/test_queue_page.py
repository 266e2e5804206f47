"""The desktop review queue: filters, counts that match the list, bulk approval, undo, questions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import VisitQuestion, VisitStatus

from ..factories import UserFactory, submit_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(shopper, store, other_store):
    zurich = UserFactory(username="shopper-zh", stores=[other_store])
    return {
        "flagged": submit_visit(observer=shopper, store=store, minutes=2),
        "plain": submit_visit(observer=UserFactory(username="shopper-two", stores=[store]), store=store),
        "elsewhere": submit_visit(observer=zurich, store=other_store),
    }


def listed(response) -> list[str]:
    return [str(visit.pk) for visit, flags in response.context["rows"]]


def test_the_count_matches_the_list_under_each_filter(client, head_office, visits):
    client.force_login(head_office)
    for params, expected in [
        ({}, ["flagged", "plain", "elsewhere"]),
        ({"store": "zrh-hb"}, ["elsewhere"]),
        ({"region": "north"}, ["flagged", "plain"]),
        ({"flag": "duration_implausible"}, ["flagged"]),
        ({"flag": "unflagged"}, ["plain", "elsewhere"]),
        ({"age": "3"}, []),
    ]:
        response = client.get(reverse("review:queue"), params)
        assert listed(response) == [str(visits[name].pk) for name in expected], params
        assert response.context["count"] == len(expected)


def test_a_supervisor_sees_their_region_only_and_never_their_own_visits(client, supervisor, store, visits):
    submit_visit(observer=supervisor, store=store)
    client.force_login(supervisor)
    response = client.get(reverse("review:queue"))
    assert listed(response) == [str(visits["flagged"].pk), str(visits["plain"].pk)]
    assert "Visit duration is implausible (under 3 or over 240 minutes): 2.0 minutes" in response.content.decode()


def test_shoppers_and_managers_get_403(client, shopper, manager):
    for user in (shopper, manager):
        client.force_login(user)
        assert client.get(reverse("review:queue")).status_code == 403


def test_bulk_approval_takes_the_unflagged_visits_and_undo_brings_them_back(client, head_office, visits):
    client.force_login(head_office)
    ids = [str(v.pk) for v in visits.values()]
    response = client.post(reverse("review:approve-unflagged"), {"visit": ids}, follow=True)
    assert listed(response) == [str(visits["flagged"].pk)]
    assert response.context["count"] == 1
    assert "2 visits approved." in response.content.decode()
    assert "1 visit left as it was" in response.content.decode()

    response = client.post(reverse("review:undo"), follow=True)
    assert response.context["count"] == 3
    assert "2 decisions undone." in response.content.decode()
    visits["plain"].refresh_from_db()
    assert visits["plain"].status == VisitStatus.SUBMITTED


def test_a_second_decision_by_someone_else_is_refused_with_a_sentence(client, supervisor, head_office, visits):
    flagged = visits["flagged"]
    client.force_login(head_office)
    client.post(reverse("review:decide", args=[flagged.pk]), {"action": "reject", "note": "Two minutes"})
    client.force_login(supervisor)
    response = client.post(reverse("review:decide", args=[flagged.pk]), {"action": "approve"}, follow=True)
    assert "only head office can override it" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.status == VisitStatus.REJECTED


def test_sending_back_with_a_question(client, supervisor, visits):
    client.force_login(supervisor)
    flagged = visits["flagged"]
    response = client.post(
        reverse("review:decide", args=[flagged.pk]), {"action": "question", "note": "Really two minutes?"}, follow=True
    )
    assert VisitQuestion.objects.get(visit=flagged).question == "Really two minutes?"
    assert "Sent back: waiting for the shopper" in response.content.decode()


def test_nothing_is_ticked_until_the_reviewer_selects_all_unflagged(client, head_office, visits):
    client.force_login(head_office)
    page = client.get(reverse("review:queue")).content.decode()
    assert 'form="bulk-form" checked' not in page
    assert "Select all unflagged visits on this page (2)" in page
    ticked = client.get(reverse("review:queue"), {"tick": "unflagged"}).content.decode()
    assert ticked.count('form="bulk-form" checked') == 2
    assert f'value="{visits["flagged"].pk}" form="bulk-form" checked' not in ticked


def test_a_long_queue_is_paged_and_the_pages_together_list_every_visit(client, head_office, store):
    from observations import review_pages

    shoppers = [UserFactory(username=f"shopper-p{n}", stores=[store]) for n in range(review_pages.PAGE_SIZE + 3)]
    for shopper in shoppers:
        submit_visit(observer=shopper, store=store)
    client.force_login(head_office)
    first = client.get(reverse("review:queue"))
    assert len(listed(first)) == review_pages.PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("review:queue"), {"page": "2"})
    assert len(listed(second)) == 3
    assert set(listed(first)).isdisjoint(listed(second))
    assert client.get(reverse("review:queue"), {"page": "zwei"}).status_code == 200
