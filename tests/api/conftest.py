from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def interaction_body(**overrides) -> dict:
    body = {
        "greeted": True,
        "greeting_seconds": 12,
        "greeting_personal": True,
        "smile": 4,
        "unsolicited_approaches": 1,
        "followed": False,
        "asked": True,
        "response_seconds": 120,
        "response_quality": 3,
        "special_request": False,
        "notes": "",
    }
    body.update(overrides)
    return body


def visit_body(store: str = "ber-mitte", interactions: list[dict] | None = None, **overrides) -> dict:
    started = timezone.now() - dt.timedelta(hours=1)
    body = {
        "id": str(uuid.uuid4()),
        "store": store,
        "started_at": started.isoformat(),
        "ended_at": (started + dt.timedelta(minutes=25)).isoformat(),
        "notes": "",
        "interactions": interactions if interactions is not None else [interaction_body()],
    }
    body.update(overrides)
    return body
