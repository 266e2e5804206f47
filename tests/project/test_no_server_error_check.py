"""The suite's own guard: a 500 in the app's log fails the test that caused it."""

from __future__ import annotations

import logging

import pytest

from ..conftest import SERVER_ERRORS


def test_a_logged_500_is_caught_by_the_guard():
    before = len(SERVER_ERRORS.records)
    logging.getLogger("django.request").error("Internal Server Error: /x/", extra={"status_code": 500})
    assert SERVER_ERRORS.records[before:] == ["Internal Server Error: /x/"]
    del SERVER_ERRORS.records[before:]  # this one was made on purpose


def test_a_503_or_a_400_is_not_a_server_error():
    before = len(SERVER_ERRORS.records)
    logging.getLogger("django.request").error("Service Unavailable: /x/", extra={"status_code": 503})
    logging.getLogger("django.request").warning("Bad Request: /x/", extra={"status_code": 400})
    assert SERVER_ERRORS.records[before:] == []


@pytest.mark.django_db
@pytest.mark.urls("tests.project.failing_urls")
def test_a_request_into_a_failing_view_is_caught(client):
    client.raise_request_exception = False
    before = len(SERVER_ERRORS.records)

    response = client.get("/fails/")

    found = SERVER_ERRORS.records[before:]
    del SERVER_ERRORS.records[before:]  # made on purpose
    assert response.status_code == 500
    assert found == ["Internal Server Error: /fails/"]
