"""Logs are JSON lines with the request id and the user's id, and no personal data: no user name,
e-mail address, real name, note text, password or token, for a submission, a review and a failed
log-in."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter
from rest_framework.test import APIClient

from api.tokens import device_token_issue
from core import outbox

from ..api.conftest import interaction_body, visit_body
from ..factories import submit_visit

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Verkäuferin mit rotem Schal war unfreundlich"
REVIEW_NOTE = "Bitte Zeitangaben prüfen, Anna"
PASSWORD = "a-wrong-password-123"


class Lines(logging.Handler):
    """The lines the configured console handler would write (its formatter and filter)."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        console = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter))
        self.setFormatter(console.formatter)
        for log_filter in console.filters:
            self.addFilter(log_filter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def log_lines():
    handler = Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # production's default LOG_LEVEL
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def people(shopper, supervisor):
    for user, first, last in ((shopper, "Anna", "Berg"), (supervisor, "Ben", "Kurz")):
        user.first_name, user.last_name, user.email = first, last, f"{first.lower()}.{last.lower()}@oasis.example"
        user.save()
    return shopper, supervisor


def personal_data(shopper, supervisor, *tokens: str) -> list[str]:
    return [
        *(value for user in (shopper, supervisor) for value in (user.username, user.email, user.first_name, user.last_name)),
        NOTE, "rotem Schal", REVIEW_NOTE, PASSWORD, *tokens,
    ]  # fmt: skip


def assert_no_personal_data(lines: list[str], forbidden: list[str]) -> None:
    assert lines, "nothing was logged"
    for line in lines:
        for value in forbidden:
            assert value.lower() not in line.lower(), f"{value!r} in the log: {line}"


def test_a_submission_and_its_review_log_request_ids_and_user_ids_but_no_personal_data(people, store, log_lines):
    shopper, supervisor = people
    _, shopper_token = device_token_issue(user=shopper)
    _, supervisor_token = device_token_issue(user=supervisor)
    shopper_api, supervisor_api = APIClient(), APIClient()
    shopper_api.credentials(HTTP_AUTHORIZATION=f"Token {shopper_token}")
    supervisor_api.credentials(HTTP_AUTHORIZATION=f"Token {supervisor_token}")

    body = visit_body(notes=NOTE, interactions=[interaction_body(notes=NOTE)])
    created = shopper_api.post("/api/v1/visits/", body, format="json", HTTP_X_REQUEST_ID="phone-req-0001")
    assert created.status_code == 201
    assert created["X-Request-ID"] == "phone-req-0001"
    reviewed = supervisor_api.post(
        f"/api/v1/visits/{body['id']}/review/", {"decision": "reject", "note": REVIEW_NOTE}, format="json"
    )
    assert reviewed.status_code == 200, reviewed.json()

    assert_no_personal_data(log_lines.lines, personal_data(shopper, supervisor, shopper_token, supervisor_token))
    requests = [r for r in log_lines.records() if r["logger"] == "oasis.requests"]
    submission, review = requests[0], requests[-1]
    assert (submission["view"], submission["status"], submission["request_id"], submission["user_id"]) == (
        "visit-list",
        201,
        "phone-req-0001",
        shopper.pk,
    )
    assert (review["view"], review["status"], review["user_id"]) == ("visit-review", 200, supervisor.pk)
    assert review["request_id"] and review["request_id"] != submission["request_id"]


def test_failed_log_ins_log_no_user_name_password_or_address(people, client, settings, log_lines):
    settings.AXES_ENABLED = True
    shopper, supervisor = people
    api = APIClient()
    for _ in range(2):
        answer = api.post("/api/v1/auth/token/", {"username": shopper.username, "password": PASSWORD}, format="json")
        assert answer.status_code == 400
    page = client.post(reverse("login"), {"username": shopper.email, "password": PASSWORD})
    assert page.status_code == 200

    assert_no_personal_data(log_lines.lines, personal_data(shopper, supervisor))
    records = log_lines.records()
    assert any(r["logger"].startswith("axes") for r in records)  # axes did log the failures, by digest
    failures = [r for r in records if r["logger"] == "oasis.requests"]
    assert [r["status"] for r in failures] == [400, 400, 200]
    assert all(r["user_id"] is None and r["request_id"] for r in failures)


def test_the_request_id_follows_the_work_into_the_outbox(people, store, settings, log_lines):
    """The worker doing a review's follow-up work (here the outbox run a kick or the sweep makes)
    logs under the request id of the review."""
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False
    shopper, supervisor = people
    visit = submit_visit(observer=shopper, store=store)
    outbox.run()  # whatever the submission left
    _, token = device_token_issue(user=supervisor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    reviewed = api.post(
        f"/api/v1/visits/{visit.pk}/review/", {"decision": "reject", "note": REVIEW_NOTE}, format="json",
        HTTP_X_REQUEST_ID="review-req-0002",
    )  # fmt: skip
    assert reviewed.status_code == 200
    assert outbox.run() >= 1

    work = [r for r in log_lines.records() if r["logger"] == "core.outbox"]
    assert work and work[-1]["request_id"] == "review-req-0002"
    assert work[-1]["request_ids"] == ["review-req-0002"]
