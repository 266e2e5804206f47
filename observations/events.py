"""What observations announce to the apps that follow up on visits (`core.outbox.announce`).

Observations record the work their subscribers return in the transaction of the change, and know
nothing of that work: reports refresh a store-week's rollup, notifications raise a low-score alert.
"""

from __future__ import annotations

from core import outbox

from .models import Visit

# A visit was stored, reviewed, undone or rescored: its store-week's figures may have changed.
# Payload: {"store": store id, "week": Monday of the visit's week, ISO format}.
VISIT_CHANGED = "visit_changed"
# A visit was stored or reviewed and now counts (`Visit.is_counted`).
# Payload: {"visit": visit id, "soi": its SOI or None}.
VISIT_COUNTED = "visit_counted"


def follow_up(visit: Visit, *, counted_news: bool = True) -> list[outbox.Work]:
    """The follow-up work of a change to `visit`: what the subscribers of its store-week's change
    want and, unless `counted_news` is off (an undo, a rescore), of its counting."""
    work = outbox.announce(VISIT_CHANGED, {"store": visit.store_id, "week": visit.week_start.isoformat()})
    if counted_news and visit.is_counted:
        work += outbox.announce(VISIT_COUNTED, {"visit": str(visit.pk), "soi": visit.soi})
    return work


def record_follow_up(visit: Visit, *, counted_news: bool = True) -> None:
    """Record, in the change's own transaction, what has to follow it (one INSERT into the outbox)."""
    outbox.record(*follow_up(visit, counted_news=counted_news))
