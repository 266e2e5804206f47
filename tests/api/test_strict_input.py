"""Input the API used to convert or guess at is refused: a 400 naming the field and the rule,
in English and German, and nothing stored."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from observations.models import Visit

from ..factories import submit_visit
from .conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db


def post(user, body, url="visit-list", **headers):
    return as_user(user).post(reverse(url), body, format="json", **headers)


def post_raw(user, text: str, url="visit-list"):
    return as_user(user).post(reverse(url), text, content_type="application/json")


@pytest.mark.parametrize(
    "visit_id",
    [7, 0, 1.5, True, ["x"], "7", "0f8fad5bd9cb469fa16570867728950e", "{0f8fad5b-d9cb-469f-a165-70867728950e}"],
)
def test_an_id_that_is_not_a_uuid_string_is_refused(shopper, store, visit_id):
    response = post(shopper, visit_body(id=visit_id))
    assert response.status_code == 400
    assert response.json() == {"id": "must be a UUID string such as 0f8fad5b-d9cb-469f-a165-70867728950e."}
    assert not Visit.objects.exists()


def test_two_shoppers_sending_small_integers_do_not_collide_they_are_both_refused(shopper, store):
    assert post(shopper, visit_body(id=1)).status_code == 400
    assert post(shopper, visit_body(id=1)).status_code == 400
    assert not Visit.objects.exists()


def test_the_all_zero_uuid_is_refused(shopper, store):
    response = post(shopper, visit_body(id="00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 400
    assert response.json() == {"id": "must not be the all-zero UUID."}


@pytest.mark.parametrize(
    "started_at",
    ["2026-11-25", "2026-11-25T10:00:00", "2026-11-25T10:00", "yesterday", 1764064800, "2026-11-25T10:00:00+0100"],
)
def test_a_time_without_a_time_of_day_or_offset_is_refused(shopper, store, started_at):
    response = post(shopper, visit_body(started_at=started_at))
    assert response.status_code == 400
    assert response.json() == {
        "started_at": "must be a date and time with an offset, such as 2026-11-25T14:05:00+01:00."
    }


def test_a_time_in_utc_with_z_is_accepted(shopper, store):
    body = visit_body()
    for field in ("started_at", "ended_at"):
        body[field] = body[field].replace("+00:00", "Z")
    assert post(shopper, body).status_code == 201


@pytest.mark.parametrize("value", ["no", "false", "true", 0, 1, None])
def test_a_boolean_must_be_a_json_boolean(shopper, store, value):
    body = visit_body(interactions=[interaction_body(followed=value)])
    response = post(shopper, body)
    assert response.status_code == 400
    expected = "This field may not be null." if value is None else "must be a JSON boolean (true or false)."
    assert response.json() == {"interactions[0].followed": expected}


def test_a_duplicate_key_refuses_the_body_naming_the_key(shopper, store):
    body = json.dumps(visit_body())
    text = body[:-1] + ', "notes": "second"}'
    response = post_raw(shopper, text)
    assert response.status_code == 400
    assert response.json() == {"notes": "appears more than once in the same JSON object."}
    assert not Visit.objects.exists()


def test_a_duplicate_key_inside_an_interaction_is_refused_too(shopper, store):
    text = json.dumps(visit_body()).replace('"smile": 4', '"smile": 4, "smile": 1')
    assert post_raw(shopper, text).json() == {"smile": "appears more than once in the same JSON object."}


@pytest.mark.parametrize("accuracy", [1e308, 10_000.5, -1])
def test_location_accuracy_is_bounded(shopper, store, accuracy):
    response = post(shopper, visit_body(latitude=52.5, longitude=13.4, location_accuracy_m=accuracy))
    assert response.status_code == 400
    rule = "greater than or equal to 0" if accuracy < 0 else "less than or equal to 10000"
    assert response.json() == {"location_accuracy_m": f"Ensure this value is {rule}."}


def test_location_accuracy_of_ten_kilometres_is_accepted(shopper, store):
    response = post(shopper, visit_body(latitude=52.52, longitude=13.40, location_accuracy_m=10_000))
    assert response.status_code == 201


@pytest.mark.parametrize("url", ["visit-list", "visit-sync", "token"])
def test_a_body_nested_1500_levels_deep_is_a_400_not_a_500(shopper, store, url):
    response = post_raw(shopper, "[" * 1500 + "]" * 1500, url=url)
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested more than 20 levels deep."}


def test_a_deeply_nested_review_body_is_a_400(shopper, supervisor, store):
    visit = submit_visit(observer=shopper, store=store)
    url = reverse("visit-review", args=[visit.pk])
    response = as_user(supervisor).post(url, '{"a":' * 1500 + "1" + "}" * 1500, content_type="application/json")
    assert response.status_code == 400


def test_brackets_inside_strings_do_not_count_as_nesting(shopper, store):
    response = post(shopper, visit_body(notes="[" * 100 + "{" * 100))
    assert response.status_code == 201


def test_nan_is_not_json(shopper, store):
    text = json.dumps(visit_body(latitude=52.5, longitude=13.4)).replace("52.5", "NaN")
    assert post_raw(shopper, text).status_code == 400


@pytest.mark.parametrize(
    ("body", "field", "german"),
    [
        (visit_body(id=7), "id", "muss eine UUID als Text sein, etwa 0f8fad5b-d9cb-469f-a165-70867728950e."),
        (visit_body(id="00000000-0000-0000-0000-000000000000"), "id", "darf nicht die UUID aus lauter Nullen sein."),
        (visit_body(started_at="2026-11-25"), "started_at", "muss Datum und Uhrzeit mit Zeitzonen-Versatz sein, etwa 2026-11-25T14:05:00+01:00."),
        (visit_body(interactions=[interaction_body(asked="no")]), "interactions[0].asked", "muss ein JSON-Wahrheitswert sein (true oder false)."),
    ],
)  # fmt: skip
def test_strict_input_errors_speak_german(shopper, store, body, field, german):
    response = post(shopper, body, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert response.json()[field] == german


def test_a_duplicate_key_is_named_in_german(shopper, store):
    text = json.dumps(visit_body())[:-1] + ', "notes": "x"}'
    response = as_user(shopper).post(
        reverse("visit-list"), text, content_type="application/json", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.json() == {"notes": "kommt im selben JSON-Objekt mehrfach vor."}
