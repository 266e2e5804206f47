"""Every box takes as much text as the server keeps: the limits are named once
(`observations.limits`, `planning.models`) and the pages, the API and the phone read them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from observations.limits import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from observations.models import Visit, VisitStatus
from planning.models import DECLINE_REASON_MAX_LENGTH
from tests.factories import submit_visit

pytestmark = pytest.mark.django_db


def test_the_web_review_box_takes_a_rejection_note_as_long_as_the_api_does(client, shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    client.force_login(supervisor)
    html = client.get(reverse("review:queue")).content.decode()
    assert re.search(rf'<textarea id="note-{visit.pk}" name="note" rows="2" maxlength="(\d+)"', html).group(1) == "5000"

    note = "The receipt does not match the store. " * 120  # 4,560 characters: over the old 2,000
    client.post(reverse("review:decide", args=[visit.pk]), {"action": "reject", "note": note})
    visit = Visit.objects.get(pk=visit.pk)
    assert (visit.status, visit.review_note) == (VisitStatus.REJECTED, note)


def test_a_question_longer_than_its_limit_is_refused_with_the_limit_named(client, shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    client.force_login(supervisor)
    response = client.post(
        reverse("review:decide", args=[visit.pk]), {"action": "question", "note": "?" * 2001}, follow=True
    )
    assert "Question: must be at most 2000 characters." in response.content.decode()
    assert not visit.questions.exists()


def test_the_phone_page_takes_its_boxes_limits_from_the_server(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("mobile:app"))
    limits = response.context["config"]["limits"]
    assert (limits["maxNotes"], limits["maxDeclineReason"]) == (5000, 500)
    html = response.content.decode()
    assert html.count('maxlength="5000"') == 2  # the review note and the shopper's answer
    assert (NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH, DECLINE_REASON_MAX_LENGTH) == (5000, 2000, 500)
