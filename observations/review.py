"""Writes: reviewing visits. Approve or reject (one, or unflagged ones in bulk), undo, edit the text
managers read, ask the shopper a question and take the answer, score again after a correction.
Nobody reviews their own visit; a decision taken by someone else is changed only by head office,
explicitly, with a note."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.errors import Conflict, NotAllowed
from stores.models import Role, Store, User
from stores.selectors import supervises

from . import scoring
from .events import record_follow_up
from .limits import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from .models import (
    SCORE_FIELDS,
    Interaction,
    ReviewAction,
    ReviewDecision,
    Visit,
    VisitQuestion,
    VisitStatus,
)
from .services import VisitInvalid


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
    record_follow_up(locked)
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
        record_follow_up(locked, counted_news=False)
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
    record_follow_up(locked, counted_news=False)
    return locked
