"""Malformed query parameters of the visit list are a 4xx, never a 500."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from ..factories import submit_visit
from .conftest import as_user

pytestmark = pytest.mark.django_db


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "position",
    [
        "p=notadate",
        "p=0001-01-01T00:00:00+05:00",
        "p=2026-11-25",
        "p=%00",
        "p=2026-11-25T10:00:00",
        "p=9999-12-31T23:59:59-05:00",
    ],
)
def test_a_tampered_cursor_is_a_404_for_every_role(shopper, supervisor, head_office, store, position):
    for user in (shopper, supervisor, head_office):
        response = as_user(user).get(reverse("visit-list"), {"cursor": cursor(position)})
        assert response.status_code == 404, (user.role, position)
        assert response.json() == {"detail": "Invalid cursor"}


def test_a_cursor_from_a_real_page_still_works(shopper, store):
    for _ in range(3):
        submit_visit(observer=shopper, store=store)
    first = as_user(shopper).get(reverse("visit-list"), {"page_size": 2}).json()
    second = as_user(shopper).get(first["next"])
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"started_from": "0001-01-01T00:00:00+05:00"},
        {"started_before": "9999-12-31T23:59:59-05:00"},
        {"started_from": "not a date"},
        {"store": "\x00"},
        {"status": "\x00"},
        {"mine": "maybe"},
        {"page_size": "-1"},
        {"page_size": "99999999999999999999"},
    ],
)
def test_malformed_filters_are_not_a_500(head_office, store, params):
    response = as_user(head_office).get(reverse("visit-list"), params)
    assert response.status_code in (200, 400), response.content
