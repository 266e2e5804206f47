"""The five 500s an outside attack found answer 400 naming the field: lone surrogates in any JSON
string or key (never echoed), digits that are not ASCII, a wave's far-away day, a review batch
naming something that is not a visit id."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.text import strict_int
from planning.models import Wave

from ..api.conftest import as_user, interaction_body, visit_body

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"
REFUSED = "must be text without lone surrogate characters (U+D800 to U+DFFF)."


def post_raw(client: APIClient, url: str, body: str):
    return client.generic("POST", url, body.encode("utf-8"), content_type="application/json")


@pytest.mark.parametrize(
    ("who", "url", "body", "field"),
    [
        ("shopper", "visit-list", '{"id": "x", "store": "\\ud800"}', "store"),
        ("shopper", "visit-list", '{"notes": "a\\udfffb", "interactions": [{"notes": "\\ud800"}]}', "notes"),
        (
            "shopper",
            "visit-sync",
            '[{"interactions": [{"smile": 3, "notes": "\\udc00"}]}]',
            "[0].interactions[0].notes",
        ),
        ("supervisor", "visit-list", '{"observer_role": "\\ud83d"}', "observer_role"),
        ("manager", "token", '{"username": "\\ud800", "password": "x"}', "username"),
        ("shopper", "visit-list", '{"\\ud800": 1}', "non_field_errors"),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_body_is_a_400_naming_where(request, who, url, body, field):
    client = as_user(request.getfixturevalue(who)) if url != "token" else APIClient()
    response = post_raw(client, reverse(url), body)
    assert response.status_code == 400
    assert response.json() == {field: REFUSED}
    assert SURROGATE not in response.content.decode("utf-8")


def test_the_refusal_is_german_for_a_german_user(shopper):
    client = as_user(shopper)
    response = client.generic(
        "POST",
        reverse("visit-list"),
        b'{"notes": "\\ud800"}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert response.json() == {"notes": "muss Text ohne einzelne Ersatzzeichen (U+D800 bis U+DFFF) sein."}


def test_a_choice_error_still_names_ordinary_text(shopper, store):
    body = visit_body(interactions=[interaction_body(smile=3)])
    body["interactions"][0]["smile"] = "ünf"
    response = as_user(shopper).post(reverse("visit-list"), body, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["²", "٣", "１", "1²", "-1", "", " 1"])
def test_a_wave_filter_that_is_not_ascii_digits_is_a_400(supervisor, value):
    response = as_user(supervisor).get(reverse("assignment-list"), {"wave": value})
    assert response.status_code == 400
    assert response.json() == {"wave": "must be a wave id."}


# A header reaches the app as latin-1: of the digits that are not ASCII, only ¹²³ can arrive.
@pytest.mark.parametrize("value", ["²", "¹", "³"])
def test_a_content_length_of_other_digits_is_not_a_500(shopper, value):
    response = as_user(shopper).generic(
        "POST", reverse("visit-list"), b"{}", content_type="application/json", CONTENT_LENGTH=value
    )
    assert response.status_code < 500


def test_strict_int_reads_ascii_digits_only():
    assert [strict_int(v) for v in ("0", "42", "²", "٣", "１", "4 2", "", None, "9" * 19)] == [
        0,
        42,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        ("2030-09-02", "9999-12-31", "ends_on", "must lie between 2000-01-01 and 2999-12-31."),
        ("0001-01-01", "0001-01-31", "starts_on", "must lie between 2000-01-01 and 2999-12-31."),
        ("2030-01-01", "2031-06-30", "ends_on", "A wave lasts at most 366 days."),
    ],
)
def test_a_wave_is_bounded_in_time_and_refused_on_the_form_with_the_reason(
    client, head_office, region, starts_on, ends_on, field, message
):
    client.force_login(head_office)
    data = {
        "name": "Far",
        "starts_on": starts_on,
        "ends_on": ends_on,
        "regions": [region.pk],
        "target_kind": "precision",
        "target_half_width": "8",
        "min_visits": "2",
        "max_visits": "10",
        "lockout_days": "30",
    }
    response = client.post(reverse("planning:wave-new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Wave.objects.exists()


@pytest.mark.parametrize("value", ["not-a-uuid", "1", "²"])
def test_approving_a_batch_with_something_that_is_not_a_visit_id_is_a_400(client, supervisor, value):
    client.force_login(supervisor)
    response = client.post(reverse("review:approve-unflagged"), {"visit": [value]})
    assert response.status_code == 400
    assert response.content.decode() == "visit: must be a visit id."
