from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from webhooks.models import Endpoint, EventType

from .receiver import Receiver

BERLIN = ZoneInfo("Europe/Berlin")
W47 = dt.date(2026, 11, 16)  # Monday of 2026-W47
# Published to Berlin's managers on Monday of the next week at 06:00 (OASIS_PUBLISH_DELAY_HOURS).
W47_PUBLISHED = dt.datetime(2026, 11, 23, 6, 0, tzinfo=BERLIN)


@pytest.fixture
def loopback_targets(settings):
    """The receivers of these tests listen on 127.0.0.1, which production refuses."""
    settings.OASIS_WEBHOOK_ALLOW_PRIVATE = True
    settings.OASIS_WEBHOOK_ALLOW_HTTP = True
    settings.OASIS_WEBHOOK_TIMEOUT_SECONDS = 2.0


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def endpoint(db, loopback_targets, receiver):
    made = Endpoint.objects.create(name="BI", url=receiver.url, event_types=list(EventType.values))
    receiver.secret = made.secret
    return made
