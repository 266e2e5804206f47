"""Writes: submitting and reviewing visits. Views, tasks and commands call these; none of them
holds a business rule of its own."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from core import outbox
from core.errors import Conflict, Invalid, NotAllowed
from stores.models import Role, Store, User
from stores.selectors import observable_store, supervises

from . import plausibility, scoring, submission_sql
from .events import follow_up
from .limits import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from .models import (
    SCORE_FIELDS,
    Interaction,
    ObserverRole,
    ReviewAction,
    ReviewDecision,
    Rubric,
    Visit,
    VisitQuestion,
    VisitStatus,
)
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

    def fingerprint(self) -> dict:
        """What the content hash covers. The typed markers enter only when set, so visits stored
        before they existed still match a replay that sends them as false."""
        values = asdict(self)
        for marker in ("greeting_typed", "response_typed"):
            if not values[marker]:
                del values[marker]
        return values

    def values(self) -> scoring.InteractionValues:
        return scoring.InteractionValues(
            **{name: getattr(self, name) for name in scoring.InteractionValues.__dataclass_fields__}
        )


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
            interactions=[asdict(item) for item in self.interactions],
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


class ReviewNotAllowed(NotAllowed):
    """The user may not review this visit (not their region, not a reviewer)."""


class SelfReview(ReviewNotAllowed):
    """Nobody reviews their own visit."""

    code = "own_visit"
    default_message = _lazy("Nobody reviews their own visit.")


class ReviewConflict(Conflict):
    """The visit's review state does not allow this: decided by someone else, undo too late, ..."""

    def __init__(self, message: str = ""):
        super().__init__(message or None)


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


def _flags(*, observer: User, store: Store, data: VisitInput, submitted_at: dt.datetime) -> list[dict]:
    other_starts: list[dt.datetime] = []
    if observer.role == Role.SHOPPER:
        window = plausibility.REPEAT_WINDOW
        other_starts = list(
            Visit.objects.filter(
                observer=observer,
                store=store,
                started_at__gt=data.started_at - window,
                started_at__lt=data.started_at + window,
            )
            .exclude(pk=data.id)
            .values_list("started_at", flat=True)
        )
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
        interaction = Interaction(position=position, **asdict(item))
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
    store = observable_store(observer, store_code)
    if store is not None:
        return visit_submit(observer=observer, store=store, data=data, now=now)
    stored = Visit.objects.filter(pk=data.id).first()
    if stored is None:
        raise VisitInvalid({"store": _("is not a store you may record visits for.")})
    if stored.observer_id != observer.pk or stored.content_hash != data.content_hash(store_code):
        raise VisitConflict()
    return SubmitResult(visit=stored, created=False)


def visit_submit(*, observer: User, store: Store, data: VisitInput, now: dt.datetime | None = None) -> SubmitResult:
    """Store a finished visit with its interactions and scores, exactly once.

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
    rubric = Rubric.in_force()
    flags = _flags(observer=observer, store=store, data=data, submitted_at=now)
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
                _after_change(visit)
    except IntegrityError:
        stored = Visit.objects.select_related("store__region", "observer").filter(pk=data.id).first()
        if stored is None:
            raise  # not a replay: a rule the database enforces was broken
        if stored.observer_id != observer.pk or stored.content_hash != visit.content_hash:
            raise VisitConflict() from None
        return SubmitResult(visit=stored, created=False)
    return SubmitResult(visit=visit, created=True, interactions=interactions)


def _after_change(visit: Visit, *, counted_news: bool = True) -> None:
    """Record, in the change's own transaction, what has to follow it (one INSERT into the outbox)."""
    outbox.record(*follow_up(visit, counted_news=counted_news))


UNDO_WINDOW = dt.timedelta(minutes=5)


def _may_review(reviewer: User, store: Store) -> bool:
    """Head office reviews every store, a supervisor those of their regions."""
    if not reviewer.is_active:
        return False
    return reviewer.role == Role.HEAD_OFFICE or supervises(reviewer, store.region_id)


def _record_decision(
    visit: Visit,
    *,
    action: str,
    by: User,
    at: dt.datetime,
    note: str,
    overrides: bool,
    batch: uuid.UUID | None,
    interactions: list[Interaction],
) -> ReviewDecision:
    """The decision, with everything it replaces, so that an undo can put exactly that back: the
    status and who decided it, and the text managers read (the visit's and each interaction's)."""
    return ReviewDecision.objects.create(
        visit=visit,
        action=action,
        decided_by=by,
        decided_at=at,
        note=note,
        overrides=overrides,
        batch=batch,
        previous_status=visit.status,
        previous_reviewed_by_id=visit.reviewed_by_id,
        previous_reviewed_at=visit.reviewed_at,
        previous_review_note=visit.review_note,
        previous_reviewed_notes=visit.reviewed_notes,
        previous_interaction_notes={str(i.position): i.reviewed_notes for i in interactions},
    )


def _check_decision(locked: Visit, reviewer: User, *, override: bool, note: str) -> bool:
    """The four-eyes rule, for every path that decides a visit or what managers read of it (the
    API, the review pages, the admin): the reviewer supervises the store's region or is head
    office, never decides on their own visit, and replaces a decision someone else took only as
    head office, explicitly, with a note. Returns whether the decision overrides someone else's."""
    if not _may_review(reviewer, locked.store):
        raise ReviewNotAllowed()
    if locked.observer_id == reviewer.pk:
        raise SelfReview()
    decided_by_other = locked.status != VisitStatus.SUBMITTED and locked.reviewed_by_id != reviewer.pk
    if decided_by_other:
        if not override:
            raise ReviewConflict(_("Someone else has already decided on this visit; only head office can override it."))
        if reviewer.role != Role.HEAD_OFFICE:
            raise ReviewConflict(_("Only head office overrides another reviewer's decision."))
        if not note.strip():
            raise VisitInvalid({"note": _("is required when overriding another reviewer's decision.")})
    return decided_by_other


@transaction.atomic
def visit_review(
    *,
    visit: Visit,
    reviewer: User,
    decision: str,
    note: str = "",
    override: bool = False,
    batch: uuid.UUID | None = None,
    reviewed_notes: str | None = None,
    interaction_notes: Mapping[int, str] | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Approve or reject a visit, with the decision in the audit trail.

    The reviewer must supervise the store's region or be head office, and never reviews their own
    visit. A rejection needs a note. A visit that someone else has already decided is not decided
    again (ReviewConflict) unless head office overrides that decision explicitly, with a note; a
    reviewer may change their own decision.

    Approving also decides the text store managers read: `reviewed_notes` for the visit and
    `interaction_notes` (by position) for its interactions, each the observer's text where not
    given. A rejection clears that text: a rejected visit's notes never reach managers. The
    observer's original stays in `notes` and in the audit trail.
    """
    if decision not in ("approve", "reject"):
        raise VisitInvalid({"decision": _("must be 'approve' or 'reject'.")})
    if decision == "reject" and not note.strip():
        raise VisitInvalid({"note": _("is required when rejecting a visit.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise VisitInvalid({"note": _("must be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}})
    interaction_notes = dict(interaction_notes or {})
    edited = {"reviewed_notes": reviewed_notes} if reviewed_notes is not None else {}
    edited |= {f"interactions.{position}.notes": text for position, text in interaction_notes.items()}
    for name, text in edited.items():
        if len(text) > NOTE_MAX_LENGTH:
            raise VisitInvalid({name: _("must be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}})
    if edited and decision == "reject":
        raise VisitInvalid({next(iter(edited)): "is only taken when approving: a rejected visit's notes reach no one."})
    locked = Visit.objects.select_for_update().select_related("store").get(pk=visit.pk)
    decided_by_other = _check_decision(locked, reviewer, override=override, note=note)
    interactions = list(locked.interactions.order_by("position"))
    unknown = set(interaction_notes) - {interaction.position for interaction in interactions}
    if unknown:
        raise VisitInvalid({f"interactions.{min(unknown)}.notes": "the visit has no interaction at that position."})
    now = now or timezone.now()
    _record_decision(
        locked,
        action=decision,
        by=reviewer,
        at=now,
        note=note,
        overrides=decided_by_other,
        batch=batch,
        interactions=interactions,
    )
    locked.status = VisitStatus.APPROVED if decision == "approve" else VisitStatus.REJECTED
    locked.reviewed_by = reviewer
    locked.reviewed_at = now
    locked.review_note = note
    approved = locked.status == VisitStatus.APPROVED
    locked.reviewed_notes = (locked.notes if reviewed_notes is None else reviewed_notes) if approved else ""
    for interaction in interactions:
        text = interaction_notes.get(interaction.position, interaction.notes) if approved else ""
        if text != interaction.reviewed_notes:
            interaction.reviewed_notes = text
            interaction._history_user = reviewer
            interaction.save(update_fields=["reviewed_notes"])
    locked._history_user = reviewer  # the audit trail names the reviewer, also for API calls
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "reviewed_notes"])
    _after_change(locked)
    return locked


def visit_reviewed_text_check(*, visit: Visit, editor: User, note: str) -> None:
    """Whether `editor` may change the text managers read of `visit` (raises as visit_review
    would): only an approved visit's text reaches managers, and the four-eyes rule holds."""
    if visit.status != VisitStatus.APPROVED:
        raise VisitInvalid(
            {"reviewed_notes": _("Only an approved visit's notes reach managers: decide on it in the review queue.")}
        )
    _check_decision(visit, editor, override=True, note=note)


@transaction.atomic
def visit_reviewed_text_edit(
    *,
    visit: Visit,
    editor: User,
    note: str = "",
    reviewed_notes: str | None = None,
    interaction_notes: Mapping[int, str] | None = None,
) -> Visit:
    """Change the text managers read of an approved visit (the visit's, and interactions' by
    position), keeping the rest as reviewed. It is a new approval in the audit trail, under the
    same rule as every decision: not on one's own visit, and over someone else's decision only as
    head office, with a note saying why."""
    locked = Visit.objects.select_for_update().select_related("store").get(pk=visit.pk)
    visit_reviewed_text_check(visit=locked, editor=editor, note=note)
    current = dict(locked.interactions.values_list("position", "reviewed_notes"))
    return visit_review(
        visit=locked,
        reviewer=editor,
        decision="approve",
        note=note,
        override=True,
        reviewed_notes=locked.reviewed_notes if reviewed_notes is None else reviewed_notes,
        interaction_notes=current | dict(interaction_notes or {}),
    )


def visits_approve_unflagged(
    *, visits: list[Visit], reviewer: User, now: dt.datetime | None = None
) -> tuple[uuid.UUID, list[Visit]]:
    """Approve, as one batch, those of `visits` that carry no flag, wait for a first decision, have
    no open question, and that the reviewer may review (not their own). Returns the batch id (for
    undo) and the visits approved; the others are left as they were."""
    batch = uuid.uuid4()
    approved = []
    with transaction.atomic():
        for visit in visits:
            if visit.flags or visit.status != VisitStatus.SUBMITTED or visit.observer_id == reviewer.pk:
                continue
            if VisitQuestion.objects.filter(visit=visit, answered_at__isnull=True).exists():
                continue
            try:
                with transaction.atomic():
                    approved.append(
                        visit_review(visit=visit, reviewer=reviewer, decision="approve", batch=batch, now=now)
                    )
            except (ReviewNotAllowed, ReviewConflict):
                continue  # decided meanwhile, or out of scope: not part of this batch
    return batch, approved


@transaction.atomic
def review_undo(
    *, reviewer: User, visit: Visit | None = None, batch: uuid.UUID | None = None, now: dt.datetime | None = None
) -> list[Visit]:
    """Undo the reviewer's latest decision on a visit, or every decision of a batch, within
    UNDO_WINDOW: each visit gets back exactly what the decision replaced. The undo is recorded too."""
    now = now or timezone.now()
    decisions = ReviewDecision.objects.select_for_update().filter(undone=False).exclude(action=ReviewAction.UNDO)
    if batch is not None:
        decisions = decisions.filter(batch=batch)
    elif visit is not None:
        latest = decisions.filter(visit=visit).order_by("-decided_at", "-pk").first()
        decisions = decisions.filter(pk=latest.pk) if latest else decisions.none()
    else:
        raise VisitInvalid({"visit": _("Say which decision to undo.")})
    decisions = list(decisions.order_by("-decided_at", "-pk"))
    if not decisions:
        raise ReviewConflict(_("There is no decision to undo."))
    undone = []
    for decision in decisions:
        if decision.decided_by_id != reviewer.pk:
            raise ReviewNotAllowed()
        if now - decision.decided_at > UNDO_WINDOW:
            raise ReviewConflict(_("A decision can only be undone within five minutes."))
        locked = Visit.objects.select_for_update().get(pk=decision.visit_id)
        newer = ReviewDecision.objects.filter(visit=locked, decided_at__gt=decision.decided_at).exists()
        if newer or locked.reviewed_by_id != reviewer.pk:
            raise ReviewConflict(_("The visit was decided again since; that decision can no longer be undone."))
        interactions = list(locked.interactions.order_by("position"))
        _record_decision(
            locked,
            action=ReviewAction.UNDO,
            by=reviewer,
            at=now,
            note="",
            overrides=False,
            batch=batch,
            interactions=interactions,
        )
        locked.status = decision.previous_status
        locked.reviewed_by_id = decision.previous_reviewed_by_id
        locked.reviewed_at = decision.previous_reviewed_at
        locked.review_note = decision.previous_review_note
        locked.reviewed_notes = decision.previous_reviewed_notes
        for interaction in interactions:
            text = decision.previous_interaction_notes.get(str(interaction.position), "")
            if text != interaction.reviewed_notes:
                interaction.reviewed_notes = text
                interaction._history_user = reviewer
                interaction.save(update_fields=["reviewed_notes"])
        locked._history_user = reviewer
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "reviewed_notes"])
        decision.undone = True
        decision.save(update_fields=["undone"])
        _after_change(locked, counted_news=False)
        undone.append(locked)
    return undone


@transaction.atomic
def visit_ask_question(*, visit: Visit, reviewer: User, question: str, now: dt.datetime | None = None) -> VisitQuestion:
    """Send a shopper's visit back with a question; it waits in the queue until answered."""
    question = question.strip()
    if not question:
        raise VisitInvalid({"question": _("must not be empty.")})
    if len(question) > QUESTION_MAX_LENGTH:
        raise VisitInvalid({"question": _("must be at most %(max)d characters.") % {"max": QUESTION_MAX_LENGTH}})
    locked = Visit.objects.select_for_update().select_related("store").get(pk=visit.pk)
    if not _may_review(reviewer, locked.store):
        raise ReviewNotAllowed()
    if locked.observer_id == reviewer.pk:
        raise SelfReview()
    if locked.status != VisitStatus.SUBMITTED:
        raise ReviewConflict(_("The visit has already been decided."))
    if locked.questions.filter(answered_at__isnull=True).exists():
        raise ReviewConflict(_("The shopper has not yet answered the last question."))
    return VisitQuestion.objects.create(
        visit=locked, asked_by=reviewer, asked_at=now or timezone.now(), question=question
    )


@transaction.atomic
def question_answer(
    *, question: VisitQuestion, shopper: User, answer: str, now: dt.datetime | None = None
) -> VisitQuestion:
    """The shopper who made the visit answers the reviewer's question (once)."""
    answer = answer.strip()
    if not answer:
        raise VisitInvalid({"answer": _("must not be empty.")})
    if len(answer) > NOTE_MAX_LENGTH:
        raise VisitInvalid({"answer": _("must be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}})
    locked = VisitQuestion.objects.select_for_update().select_related("visit").get(pk=question.pk)
    if locked.visit.observer_id != shopper.pk:
        raise ReviewNotAllowed()
    if locked.answered_at is not None:
        if locked.answer == answer:
            return locked  # a replay from the phone's queue
        raise ReviewConflict(_("This question has already been answered."))
    locked.answer = answer
    locked.answered_at = now or timezone.now()
    locked.save(update_fields=["answer", "answered_at"])
    return locked


@transaction.atomic
def visit_rescore(*, visit: Visit, editor: User) -> Visit:
    """After head office corrected a visit's interactions: score them again with the rubric the
    visit was submitted under, and bring the store-week's rollup up to date."""
    if editor.role != Role.HEAD_OFFICE:
        raise ReviewNotAllowed()
    locked = Visit.objects.select_for_update().select_related("rubric").get(pk=visit.pk)
    params = locked.rubric.params()
    interactions = list(locked.interactions.order_by("position"))
    interaction_scores = []
    for interaction in interactions:
        scores = scoring.interaction_scores(interaction.values(), params)
        if scores != interaction.scores:
            interaction.set_scores(scores)
            interaction._history_user = editor
            interaction.save(update_fields=list(SCORE_FIELDS))
        interaction_scores.append(scores)
    locked.set_scores(scoring.combine(interaction_scores))
    locked._history_user = editor
    locked.save(update_fields=list(SCORE_FIELDS))
    _after_change(locked, counted_news=False)
    return locked
