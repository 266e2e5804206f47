"""Each rule of a visit, broken once: a 400 naming the field path and the rule, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from observations.models import Visit

from .conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db

NOT_ASKED = {"asked": False, "response_seconds": None, "response_quality": None}


def post(shopper, body):
    return as_user(shopper).post(reverse("visit-list"), body, format="json")


def second(**overrides) -> dict:
    """A visit whose second interaction breaks a rule."""
    return visit_body(interactions=[interaction_body(), interaction_body(**overrides)])


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (second(greeting_seconds=None), {"interactions[1].greeting_seconds": "is required when greeted is true."}),
        (second(greeted=False, greeting_personal=False), {"interactions[1].greeting_seconds": "must be null when greeted is false."}),
        (second(greeted=False, greeting_seconds=None), {"interactions[1].greeting_personal": "must be false when greeted is false."}),
        (second(response_seconds=None), {"interactions[1].response_seconds": "is required when asked is true."}),
        (second(response_quality=None), {"interactions[1].response_quality": "is required when asked is true."}),
        (second(asked=False, response_quality=None), {"interactions[1].response_seconds": "must be null when asked is false."}),
        (second(greeting_seconds=-1), {"interactions[1].greeting_seconds": "Ensure this value is greater than or equal to 0."}),
        (second(response_seconds=3601), {"interactions[1].response_seconds": "Ensure this value is less than or equal to 3600."}),
        (second(smile=0), {"interactions[1].smile": "Ensure this value is greater than or equal to 1."}),
        (second(smile=6), {"interactions[1].smile": "Ensure this value is less than or equal to 5."}),
        (second(response_quality=0), {"interactions[1].response_quality": "Ensure this value is greater than or equal to 1."}),
        (second(response_quality=6), {"interactions[1].response_quality": "Ensure this value is less than or equal to 5."}),
        (second(smile="big"), {"interactions[1].smile": "A valid integer is required."}),
        (second(unsolicited_approaches=-1), {"interactions[1].unsolicited_approaches": "Ensure this value is greater than or equal to 0."}),
        (visit_body(interactions=[]), {"interactions": "This list may not be empty."}),
        (visit_body(interactions=[interaction_body(**NOT_ASKED)] * 51), {"interactions": "Ensure this field has no more than 50 elements."}),
        (visit_body(notes="x" * 5001), {"notes": "Ensure this field has no more than 5000 characters."}),
        (visit_body(latitude=91, longitude=13.4), {"latitude": "Ensure this value is less than or equal to 90."}),
        (visit_body(latitude=52.5, longitude=-181), {"longitude": "Ensure this value is greater than or equal to -180."}),
        (visit_body(latitude=52.5, longitude=13.4, location_accuracy_m=-1), {"location_accuracy_m": "Ensure this value is greater than or equal to 0."}),
        (visit_body(location_accuracy_m=12), {"location_accuracy_m": "is only allowed together with a position."}),
        (visit_body(latitude=52.5), {"longitude": "latitude and longitude must be given together."}),
        (visit_body(store="nowhere"), {"store": "is not a store you may record visits for."}),
        (visit_body(id="not-a-uuid"), {"id": "must be a UUID string such as 0f8fad5b-d9cb-469f-a165-70867728950e."}),
    ],
)  # fmt: skip
def test_a_broken_rule_is_a_400_naming_field_and_rule(shopper, store, body, errors):
    response = post(shopper, body)
    assert response.status_code == 400
    assert response.json() == errors
    assert not Visit.objects.exists()


def test_a_visit_starting_more_than_5_minutes_ahead_is_refused(shopper, store):
    start = timezone.now() + dt.timedelta(minutes=10)
    body = visit_body(started_at=start.isoformat(), ended_at=(start + dt.timedelta(minutes=5)).isoformat())
    assert post(shopper, body).json() == {
        "started_at": "must not be more than 5 minutes in the future.",
        "ended_at": "must not be more than 5 minutes in the future.",
    }


def test_a_visit_older_than_60_days_is_refused(shopper, store):
    start = timezone.now() - dt.timedelta(days=61)
    body = visit_body(started_at=start.isoformat(), ended_at=(start + dt.timedelta(minutes=5)).isoformat())
    assert post(shopper, body).json() == {"started_at": "must not be more than 60 days ago."}


def test_a_visit_ending_before_it_starts_is_refused(shopper, store):
    start = timezone.now() - dt.timedelta(hours=1)
    body = visit_body(started_at=start.isoformat(), ended_at=(start - dt.timedelta(minutes=1)).isoformat())
    assert post(shopper, body).json() == {"ended_at": "must not be before started_at."}


def test_missing_fields_are_named(shopper, store):
    response = as_user(shopper).post(reverse("visit-list"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"id", "store", "started_at", "ended_at", "interactions"}


def test_malformed_json_is_a_400(shopper, store):
    response = as_user(shopper).post(reverse("visit-list"), '{"id": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_list_sent_to_the_create_endpoint_is_a_400(shopper, store):
    response = as_user(shopper).post(reverse("visit-list"), [visit_body()], format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": "Expected a JSON object."}


def test_a_body_over_256_kb_is_a_413(shopper, store):
    response = post(shopper, visit_body(notes="x" * 300_000))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not Visit.objects.exists()


def test_another_content_type_is_a_415(shopper, store):
    response = as_user(shopper).post(reverse("visit-list"), "id=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_options_on_a_report_asked_as_csv_describes_it_in_json(head_office, store):
    response = as_user(head_office).options(reverse("report-branches"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_an_unknown_api_url_answers_json_404(client):
    response = client.get("/api/v1/visits/not-a-visit/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_sync_item_whose_id_is_not_text_is_answered_without_echoing_it(shopper, store):
    response = as_user(shopper).post(reverse("visit-sync"), [{"id": {"x": 1}}], format="json")
    assert response.json()["results"][0]["id"] is None


def test_errors_speak_the_phones_language(shopper, store):
    body = second(greeting_seconds=None)
    response = as_user(shopper).post(reverse("visit-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="de")
    assert response.json() == {"interactions[1].greeting_seconds": "ist Pflicht, wenn begrüßt wurde."}
    response = as_user(shopper).post(reverse("visit-list"), second(smile=6), format="json", HTTP_ACCEPT_LANGUAGE="de")
    assert response.json() == {"interactions[1].smile": "Stelle sicher, dass dieser Wert kleiner oder gleich 5 ist."}
