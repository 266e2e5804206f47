"""An admin an analyst can use: scores to one decimal, flags in words with their figures, constraint
violations as sentences, rejection instead of deletion."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import ReviewDecision, Rubric, VisitStatus
from observations.plausibility import flag_description

from ..factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db


def test_a_visit_shows_scores_to_one_decimal_and_flags_with_their_figures(
    head_office_by_add_user, admin_client_of, shopper, store
):
    # greeting 100 * (0.7 * 1 + 0.3) = 100, smile 50, hovering 100: SOI (30 + 10 + 20) / 0.7 = 85.714...
    visit = submit_visit(observer=shopper, store=store, minutes=2, interactions=[interaction_input(smile=3)])
    page = admin_client_of(head_office_by_add_user).get(reverse("admin:observations_visit_change", args=[visit.pk]))
    text = page.content.decode()
    assert "85.7" in text and "85.714" not in text
    assert "Visit duration is implausible (under 3 or over 240 minutes): 2.0 minutes" in text
    listing = admin_client_of(head_office_by_add_user).get(reverse("admin:observations_visit_changelist"))
    assert "85.7" in listing.content.decode() and "85.714" not in listing.content.decode()


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ({"code": "far_from_store", "distance_m": 850, "accuracy_m": 20.4}, "850 m away (accuracy 20 m)"),
        ({"code": "repeat_visit", "days_apart": 3.5}, "3.5 days apart"),
        ({"code": "submitted_late", "days": 9.0}, "9.0 days after the visit"),
        ({"code": "stopwatch_exceeds_visit", "seconds": 400, "visit_seconds": 300}, "400 s on the stopwatch"),
    ],
)
def test_each_flag_reads_with_the_figure_behind_it(flag, words):
    assert words in flag_description(flag)


def test_a_rubric_with_crossed_bands_is_refused_with_a_sentence_in_either_language(
    head_office_by_add_user, admin_client_of
):
    current = Rubric.in_force()
    fields = {f.name: getattr(current, f.name) for f in Rubric._meta.fields if f.name not in ("id", "created_at")}
    client = admin_client_of(head_office_by_add_user)
    body = {**fields, "version": current.version + 1, "desert_below_soi": 80, "oasis_min_soi": 60}
    response = client.post(reverse("admin:observations_rubric_add"), body)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        "“Desert below SOI” must lie between 0 and “oasis from SOI”, and “oasis from SOI” must be at most 100."
    ]
    german = client.post(reverse("admin:observations_rubric_add"), body, HTTP_ACCEPT_LANGUAGE="de")
    assert "„Wüste unter SOI“ muss zwischen 0 und „Oase ab SOI“ liegen" in german.content.decode()
    assert "rubric_bands_ordered" not in response.content.decode()


def test_head_office_rejects_visits_in_bulk_with_a_note(head_office_by_add_user, admin_client_of, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    client = admin_client_of(head_office_by_add_user)
    url = reverse("admin:observations_visit_changelist")
    ask = client.post(url, {"action": "reject_visits", "_selected_action": [str(visit.pk)]})
    assert ask.status_code == 200 and b"Why are these visits rejected?" in ask.content
    done = client.post(
        url, {"action": "reject_visits", "_selected_action": [str(visit.pk)], "apply": "1", "note": "Test visit"}
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.review_note) == (VisitStatus.REJECTED, "Test visit")
    assert ReviewDecision.objects.get(visit=visit).decided_by == head_office_by_add_user
