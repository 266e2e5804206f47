"""Every form of the site says what went wrong where you are: one error summary at the top of the
page (templates/_form_errors.html, focused by js/forms.js), each entry a link to the field that is
wrong, which is on the page with that id; the refused answer is a 400."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from planning.models import Assignment
from planning.services import wave_plan

from ..factories import UserFactory, submit_visit
from ..planning.conftest import WAVE_START, make_wave

pytestmark = pytest.mark.django_db


def summary_links(response) -> list[tuple[str, str]]:
    """The summary's (link target, text) pairs; each target must be a field on the page, and the
    summary must come before the first form field of the page."""
    page = response.content.decode()
    assert page.count('id="error-summary"') == 1, "one summary"
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links, summary
    for target, _text in links:
        assert re.search(rf'<(input|textarea|select)[^>]* id="{re.escape(target)}"', page), target
        assert page.index('id="error-summary"') < page.index(f'id="{target}"')
    return links


def test_a_refused_log_in_opens_on_the_summary_linking_the_user_name(client, shopper):
    response = client.post(reverse("login"), {"username": shopper.username, "password": "wrong-wrong-wrong"})
    [(target, text)] = summary_links(response)
    assert target == "id_username"
    assert "correct username and password" in text


def test_a_german_log_in_says_benutzername(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<label for="id_username">Benutzername</label>' in page


def test_a_refused_password_change_answers_400_with_links_to_both_fields(client, shopper):
    client.force_login(shopper)
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": "short", "new_password2": "other"},
    )
    assert response.status_code == 400
    targets = {target for target, _ in summary_links(response)}
    assert targets == {"id_old_password", "id_new_password2"}


def test_a_wave_without_a_name_opens_on_the_summary(client, head_office, region):
    client.force_login(head_office)
    response = client.post(reverse("planning:wave-new"), {"starts_on": "2030-09-02", "ends_on": "x"})
    assert response.status_code == 400
    targets = [target for target, _ in summary_links(response)]
    assert targets[:3] == ["id_name", "id_ends_on", "id_target_kind"]


def test_a_refused_adjustment_opens_on_the_summary(client, head_office, store, shopper):
    wave = make_wave(head_office, stores=[store], fixed_visits=1)
    wave_plan(wave=wave, by=head_office)
    assignment = Assignment.objects.filter(wave=wave).first()
    client.force_login(head_office)
    response = client.post(
        reverse("planning:assignment", args=[wave.pk, assignment.pk]),
        {"window_start": WAVE_START.isoformat(), "window_end": "", "time_of_day": "evening"},
    )
    assert response.status_code == 400
    assert summary_links(response) == [("id_window_end", "Window until: This field is required.")]


def test_rejecting_without_a_note_in_the_queue_opens_on_the_summary_and_keeps_the_page(client, supervisor, store):
    visit = submit_visit(observer=UserFactory(username="shopper-a", stores=[store]), store=store, minutes=2)
    client.force_login(supervisor)
    response = client.post(
        reverse("review:decide", args=[visit.pk]), {"action": "reject", "note": " ", "query": "flag=flagged"}
    )
    assert response.status_code == 400
    assert summary_links(response) == [(f"note-{visit.pk}", "Note: is required when rejecting a visit.")]
    page = response.content.decode()
    assert f'aria-invalid="true" aria-describedby="note-error-{visit.pk}"' in page
    assert f'id="note-error-{visit.pk}"><li>is required when rejecting a visit.</li>' in page
    assert '<option value="flagged" selected>' in page  # the reviewer's filter is kept
    assert 'action="/review/"' in page  # and filtering again goes to the queue, not to this address


def test_a_question_too_long_is_kept_in_its_box_with_the_limit(client, supervisor, store):
    visit = submit_visit(observer=UserFactory(username="shopper-a", stores=[store]), store=store)
    client.force_login(supervisor)
    question = "Why? " * 401
    response = client.post(reverse("review:decide", args=[visit.pk]), {"action": "question", "note": question})
    assert response.status_code == 400
    assert summary_links(response) == [(f"note-{visit.pk}", "Question: must be at most 2000 characters.")]
    assert f">{question}</textarea>" in response.content.decode()


def test_the_admin_rejection_without_a_note_opens_on_the_summary(client, head_office, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    client.force_login(head_office)
    response = client.post(
        reverse("admin:observations_visit_changelist"),
        {"action": "reject_visits", "_selected_action": [str(visit.pk)], "apply": "1", "note": ""},
    )
    assert response.status_code == 400
    [(target, text)] = summary_links(response)
    assert (target, text) == ("id_note", "Why are these visits rejected?: This field is required.")
    assert "js/forms.js" in response.content.decode()


def test_an_upload_without_a_file_opens_on_the_summary(client, head_office):
    client.force_login(head_office)
    response = client.post(reverse("admin:stores_store_import"), {"format": "0"})
    [(target, text)] = summary_links(response)
    assert (target, text) == ("id_import_file", "File to import: This field is required.")
    assert "js/forms.js" in response.content.decode()


def test_the_summary_is_absent_when_nothing_is_wrong(client, head_office):
    client.force_login(head_office)
    assert 'id="error-summary"' not in client.get(reverse("planning:wave-new")).content.decode()
    assert 'id="error-summary"' not in client.get(reverse("admin:stores_store_import")).content.decode()
