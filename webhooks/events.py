"""The events and their payloads (version 1), and writing one for every endpoint that wants it.

Every body is `{"type", "version": 1, "timestamp", "data"}`; `data` carries only what a store
manager may read of the store, or less: the figures of a published week (the report API's, to one
decimal), a plan's state and focus behaviours, a wave store's counts and precision. Never an
observer, a visit's day or time, free text, or a week in progress. README "Webhooks" documents
each with an example; a change that is not only an added field makes version 2.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from coaching.models import ActionPlan
from observations.scoring import round1
from planning.models import Wave
from planning.selectors import CoverageRow
from reports.figures import figures_of, rollup_scope, rubrics_by_version, store_totals
from reports.periods import week_label
from reports.publication import published_at
from stores.models import Store

from .delivery import kick_after_commit
from .models import Delivery, Endpoint, Event

VERSION = 1


def emit(event_type: str, *, stream: str, data: dict, now: dt.datetime | None = None) -> Event | None:
    """Write the event and a delivery for each enabled endpoint that subscribed to it (none: no
    event), in the caller's transaction; ask a worker to send them after the commit."""
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(enabled=True) if endpoint.wants(event_type)]
    if not endpoints:
        return None
    now = now or timezone.now()
    event = Event.objects.create(
        type=event_type,
        stream=stream,
        created_at=now,
        payload={"type": event_type, "version": VERSION, "timestamp": now.astimezone(dt.UTC).isoformat(), "data": data},
    )
    Delivery.objects.bulk_create(
        [Delivery(event=event, endpoint=endpoint, stream=stream, next_attempt_at=now) for endpoint in endpoints]
    )
    kick_after_commit()
    return event


def store_week_data(store: Store, week_start: dt.date) -> dict | None:
    """A published week's figures of a store, as the report API gives them; None without visits."""
    totals = store_totals(
        store_ids=[store.pk], scope=rollup_scope(settings.OASIS_REPORTS_APPROVED_ONLY), weeks=[week_start]
    ).get(store.pk)
    if totals is None or not totals.n_visits:
        return None
    return {
        "store": store.code,
        "name": store.name,
        "region": store.region.code,
        "week": week_label(week_start),
        "week_start": week_start.isoformat(),
        "published_at": published_at(week_start, store.tzinfo).astimezone(dt.UTC).isoformat(),
        "approved_only": settings.OASIS_REPORTS_APPROVED_ONLY,
        **figures_of(totals, rubrics_by_version()).as_dict(),
    }


def action_plan_data(plan: ActionPlan, *, state: str, round_: int) -> dict:
    """The plan as its state changed: no text anybody wrote (actions, owner, notes)."""
    return {
        "plan": plan.pk,
        "store": plan.store.code,
        "region": plan.store.region.code,
        "week": week_label(plan.week_start),
        "reason": plan.reason,
        "state": state,
        "round": round_,
        "focus": plan.focus,
        "second_focus": plan.second_focus or None,
        "due_date": plan.due_date.isoformat() if plan.due_date else None,
    }


def coverage_data(wave: Wave, row: CoverageRow) -> dict:
    figures = row.figures
    return {
        "wave": wave.pk,
        "wave_name": wave.name,
        "starts_on": wave.starts_on.isoformat(),
        "ends_on": wave.ends_on.isoformat(),
        "store": row.store_code,
        "region": row.region_code,
        "risks": list(figures.risks),
        "visits_needed": figures.needed,
        "visits_done": figures.done,
        "assignments_planned": figures.planned,
        "assignments_upcoming": figures.upcoming,
        "assignments_unassigned": figures.open,
        "assignments_overdue": figures.overdue,
        "half_width": round1(figures.half_width),
        "target_half_width": round1(figures.target_half_width),
        "expected_half_width": round1(figures.expected_half_width),
    }
