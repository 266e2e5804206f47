"""Small fixed data for the report tests: three kinds of interaction with hand-computed scores."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from rest_framework.test import APIClient

from observations.review import visit_review
from stores.models import Store

from ..factories import interaction_input, submit_visit

# greeted after 10 s, personally; smile 5; no hovering; nothing asked: every dimension 100, SOI 100.
PERFECT = interaction_input()
# greeted after 60 s (timeliness 0.5), not personally: greeting 35; smile 4: 75; two approaches:
# hovering 75; asked, attended after 120 s (timeliness 0.5), quality 4: response 65.
# SOI = 0.3*35 + 0.2*75 + 0.2*75 + 0.3*65 = 60.
MIXED = interaction_input(
    greeting_seconds=60,
    greeting_personal=False,
    smile=4,
    unsolicited_approaches=2,
    asked=True,
    response_seconds=120,
    response_quality=4,
)
# not greeted: 0; smile 1: 0; followed: hovering 50; nothing asked. SOI = 0.2*50 / 0.7 = 100/7.
COLD = interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=1, followed=True)
COLD_SOI = 100 / 7

# ISO week 2026-W11: Monday 9 March to Sunday 15 March 2026.
W10 = dt.date(2026, 3, 2)
W11 = dt.date(2026, 3, 9)
W12 = dt.date(2026, 3, 16)


def local(store: Store, text: str) -> dt.datetime:
    """A wall-clock time in the store's time zone, e.g. "2026-03-10 10:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(store.timezone))


def visit(observer, store, when: str, *interactions, notes: str = "", minutes: int = 20):
    """Submit a visit that started at local time `when` (submitted half an hour after it ended)."""
    started_at = local(store, when)
    return submit_visit(
        observer=observer,
        store=store,
        started_at=started_at,
        minutes=minutes,
        interactions=list(interactions),
        notes=notes,
        now=started_at + dt.timedelta(minutes=minutes + 30),
    )


def review(visit, reviewer, decision: str):
    return visit_review(visit=visit, reviewer=reviewer, decision=decision, note="checked by review")


@pytest.fixture
def api():
    return APIClient()
