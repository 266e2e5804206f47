"""Writes: submitting visits (reviewing them: `observations.review`). Views, tasks and commands call
these; none of them holds a business rule of its own."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from core import outbox
from core.errors import Conflict, Invalid
from stores.models import Role, Store, User

from . import plausibility, scoring, submission_sql
from .events import follow_up, record_follow_up
from .models import (
    Interaction,
    ObserverRole,
    Rubric,
    Visit,
    VisitStatus,
)
from .selectors import closest_repeat_visit_start
from .submission_reads import SubmissionReads, submission_reads
from .validation import visit_errors


@dataclass(frozen=True)
class InteractionInput:
    greeted: bool
    smile: int
    greeting_seconds: int | None = None
    greeting_typed: bool = False
    greeting_personal: bool = False
    unsolicited_approaches: int = 0
    followed: bool = False
    asked: bool = False
    response_seconds: int | None = None
    response_typed: bool = False
    response_quality: int | None = None
    special_request: bool = False
    notes: str = ""

    def as_dict(self) -> dict:
        """The fields and their values: `dataclasses.asdict` without its deep copy (every value
        here is a bool, a number, None or a string), which was called nine times a submission."""
        return {name: getattr(self, name) for name in _INTERACTION_FIELDS}

    def fingerprint(self) -> dict:
        """What the content hash covers. The typed markers enter only when set, so visits stored
        before they existed still match a replay that sends them as false."""
        values = self.as_dict()
        for marker in ("greeting_typed", "response_typed"):
            if not values[marker]:
                del values[marker]
        return values

    def values(self) -> scoring.InteractionValues:
        return scoring.InteractionValues(
            **{name: getattr(self, name) for name in scoring.InteractionValues.__dataclass_fields__}
        )


_INTERACTION_FIELDS = tuple(f.name for f in fields(InteractionInput))


@dataclass(frozen=True)
class VisitInput:
    id: uuid.UUID
    started_at: dt.datetime
    ended_at: dt.datetime
    interactions: tuple[InteractionInput, ...]
    notes: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_accuracy_m: float | None = None

    def content_hash(self, store_code: str) -> str:
        """A fingerprint of the content, independent of how the phone wrote the times."""
        content = {
            "store": store_code,
            "started_at": self.started_at.astimezone(dt.UTC).isoformat(),
            "ended_at": self.ended_at.astimezone(dt.UTC).isoformat(),
            "notes": self.notes,
            "position": [self.latitude, self.longitude, self.location_accuracy_m],
            "interactions": [item.fingerprint() for item in self.interactions],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def errors(self, now: dt.datetime) -> dict[str, str]:
        return visit_errors(
            started_at=self.started_at,
            ended_at=self.ended_at,
            now=now,
            interactions=[item.as_dict() for item in self.interactions],
            notes=self.notes,
            latitude=self.latitude,
            longitude=self.longitude,
            location_accuracy_m=self.location_accuracy_m,
        )


class VisitInvalid(Invalid):
    """A visit, review or question breaks a rule; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors=errors)


class VisitConflict(Conflict):
    """The id is taken by a visit with other content or of another observer. Says nothing more."""

    default_message = _lazy("A visit with this id already exists with other content.")


@dataclass
class SubmitResult:
    visit: Visit
    created: bool
    interactions: list[Interaction] = field(default_factory=list)


def week_start(moment: dt.datetime, store: Store) -> dt.date:
    """Monday of the ISO week in which `moment` falls in the store's local time."""
    local_date = moment.astimezone(store.tzinfo).date()
    return local_date - dt.timedelta(days=local_date.weekday())


def observer_role_for(user: User) -> str:
    return ObserverRole.SHOPPER if user.role == Role.SHOPPER else ObserverRole.SUPERVISOR


def _flags(
    *, observer: User, store: Store, data: VisitInput, submitted_at: dt.datetime, reads: SubmissionReads | None
) -> list[dict]:
    other_starts: list[dt.datetime] = []
    if observer.role == Role.SHOPPER:
        if reads is not None:
            closest = reads.closest_start
        else:
            closest = closest_repeat_visit_start(
                observer_id=observer.pk,
                store_id=store.pk,
                started_at=data.started_at,
                window=plausibility.REPEAT_WINDOW,
                other_than=data.id,
            )
        other_starts = [closest] if closest is not None else []  # the flag names the closest
    stopwatch = [
        s for item in data.interactions for s in (item.greeting_seconds, item.response_seconds) if s is not None
    ]
    has_position = data.latitude is not None and data.longitude is not None
    store_has_position = store.latitude is not None and store.longitude is not None
    return plausibility.visit_flags(
        started_at=data.started_at,
        ended_at=data.ended_at,
        submitted_at=submitted_at,
        stopwatch_seconds=stopwatch,
        position=(data.latitude, data.longitude) if has_position else None,
        accuracy_m=data.location_accuracy_m,
        store_position=(store.latitude, store.longitude) if store_has_position else None,
        other_visit_starts=other_starts,
    )


def build_visit(
    *,
    observer: User,
    store: Store,
    data: VisitInput,
    rubric: Rubric,
    submitted_at: dt.datetime,
    flags: list[dict],
) -> tuple[Visit, list[Interaction]]:
    """The unsaved visit and interactions with their scores (also used by bulk demo data)."""
    params = rubric.params()
    interactions = []
    interaction_scores = []
    for position, item in enumerate(data.interactions, start=1):
        scores = scoring.interaction_scores(item.values(), params)
        interaction = Interaction(position=position, **item.as_dict())
        interaction.set_scores(scores)
        interactions.append(interaction)
        interaction_scores.append(scores)
    visit = Visit(
        id=data.id,
        store=store,
        observer=observer,
        observer_role=observer_role_for(observer),
        started_at=data.started_at,
        ended_at=data.ended_at,
        week_start=week_start(data.started_at, store),
        status=VisitStatus.SUBMITTED,
        submitted_at=submitted_at,
        notes=data.notes,
        rubric=rubric,
        latitude=data.latitude,
        longitude=data.longitude,
        location_accuracy_m=data.location_accuracy_m,
        flags=flags,
        n_interactions=len(interactions),
        content_hash=data.content_hash(store.code),
    )
    visit.set_scores(scoring.combine(interaction_scores))
    for interaction in interactions:
        interaction.visit = visit
    return visit, interactions


def visit_receive(*, observer: User, store_code: str, data: VisitInput, now: dt.datetime | None = None) -> SubmitResult:
    """A finished visit as the phone sends it, naming its store by code.

    Idempotency comes before scope: a replay of a stored visit (same id, observer and content)
    answers with the stored visit even if the observer has since lost the store or the store was
    closed, so the phone never shows a stored visit as refused. A new visit needs a store the
    observer may record visits for; an id taken by someone else or by other content is a conflict.
    """
    reads = submission_reads(observer, store_code, started_at=data.started_at, visit_id=data.id)
    if reads is not None:
        return visit_submit(observer=observer, store=reads.store, data=data, now=now, reads=reads)
    stored = Visit.objects.filter(pk=data.id).first()
    if stored is None:
        raise VisitInvalid({"store": _("is not a store you may record visits for.")})
    if stored.observer_id != observer.pk or stored.content_hash != data.content_hash(store_code):
        raise VisitConflict()
    return SubmitResult(visit=stored, created=False)


def visit_submit(
    *,
    observer: User,
    store: Store,
    data: VisitInput,
    now: dt.datetime | None = None,
    reads: SubmissionReads | None = None,
) -> SubmitResult:
    """Store a finished visit with its interactions and scores, exactly once. `reads`: the
    rubric in force and the repeat check, read with the store (`submission_reads`); else read here.

    The visit's id is the idempotency key and the primary key enforces it: a replay with the same
    content returns the stored visit (created=False); other content, or another observer's id,
    raises VisitConflict. Concurrent replays wait on the key's lock and then read the winner.
    """
    now = now or timezone.now()
    errors = data.errors(now)
    if errors:
        # A rule that depends on the time of sending (no visit older than 60 days) must not turn
        # the replay of a visit stored back then into a refusal: the phone would show it refused.
        stored = Visit.objects.filter(pk=data.id, observer=observer).first()
        if stored is not None and stored.content_hash == data.content_hash(store.code):
            return SubmitResult(visit=stored, created=False)
        raise VisitInvalid(errors)
    rubric = reads.rubric if reads is not None else Rubric.in_force()
    flags = _flags(observer=observer, store=store, data=data, submitted_at=now, reads=reads)
    visit, interactions = build_visit(
        observer=observer, store=store, data=data, rubric=rubric, submitted_at=now, flags=flags
    )
    try:
        if connection.vendor == "postgresql":
            # One statement, atomic on its own: a transaction around it is needed only to contain a
            # refused insert within an outer one, or for the follow-up work done inline.
            atomic = settings.OASIS_OUTBOX_INLINE or connection.in_atomic_block
            with transaction.atomic() if atomic else contextlib.nullcontext():
                # Work the statement does itself (the rollups) is not recorded as follow-up work.
                done_in_statement = submission_sql.replaced_kinds()
                items = outbox.rows(*(work for work in follow_up(visit) if work.kind not in done_in_statement))
                submission_sql.insert_submission(visit, interactions, items, user=observer, at=now)
                outbox.recorded(items)
        else:
            with transaction.atomic():
                # On record as created by its observer at the time of submission, as on PostgreSQL
                # (simple-history's documented per-instance overrides).
                visit._history_user = observer  # type: ignore[attr-defined]
                visit._history_date = now  # type: ignore[attr-defined]
                visit.save(force_insert=True)
                # With their first version in the audit trail (bulk_create alone skips it), so a later
                # correction keeps the original values: one INSERT for the rows, one for their history.
                bulk_create_with_history(interactions, Interaction, default_user=observer, default_date=now)
                record_follow_up(visit)
    except IntegrityError:
        stored = Visit.objects.select_related("store__region", "observer").filter(pk=data.id).first()
        if stored is None:
            raise  # not a replay: a rule the database enforces was broken
        if stored.observer_id != observer.pk or stored.content_hash != visit.content_hash:
            raise VisitConflict() from None
        return SubmitResult(visit=stored, created=False)
    return SubmitResult(visit=visit, created=True, interactions=interactions)
