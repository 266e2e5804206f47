"""What observations hold about a person: the visits they made (with the positions their phone
shared), the visits they reviewed, their review decisions and the questions they asked or were asked.
Erasure removes the positions (also from the audit trail); visits, scores and decisions stay."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import Interaction, ReviewDecision, Visit, VisitQuestion

POSITION = {"latitude": None, "longitude": None, "location_accuracy_m": None}


def visits(user: User) -> list[dict]:
    rows = Visit.objects.filter(observer=user).select_related("store").order_by("started_at")
    interactions_by_visit: dict = {}
    for interaction in Interaction.objects.filter(visit__observer=user).order_by("position").values():
        interactions_by_visit.setdefault(interaction.pop("visit_id"), []).append(interaction)
    return [
        {
            "id": str(visit.pk),
            "store": visit.store.code,
            "started_at": visit.started_at.isoformat(),
            "ended_at": visit.ended_at.isoformat(),
            "submitted_at": visit.submitted_at.isoformat(),
            "status": visit.status,
            "notes": visit.notes,
            "latitude": visit.latitude,
            "longitude": visit.longitude,
            "location_accuracy_m": visit.location_accuracy_m,
            "soi": visit.soi,
            "interactions": [
                {key: value for key, value in item.items() if key != "id"}
                for item in interactions_by_visit.get(visit.pk, [])
            ],
        }
        for visit in rows
    ]


def erase_positions(user: User) -> int:
    changed = Visit.objects.filter(observer=user).exclude(**POSITION).update(**POSITION)
    Visit.history.filter(observer=user).update(**POSITION)  # type: ignore[attr-defined]
    return changed


def reviews(user: User) -> list[dict]:
    return [
        {"visit": str(pk), "status": status, "reviewed_at": reviewed_at.isoformat(), "note": note}
        for pk, status, reviewed_at, note in Visit.objects.filter(reviewed_by=user).values_list(
            "pk", "status", "reviewed_at", "review_note"
        )
    ]


def review_decisions(user: User) -> list[dict]:
    """Their decisions, and their earlier reviews that a later decision replaced (by whom is not theirs)."""
    own = ReviewDecision.objects.filter(decided_by=user).order_by("decided_at")
    replaced = ReviewDecision.objects.filter(previous_reviewed_by=user).order_by("decided_at")
    return [
        {
            "visit": str(row.visit_id),
            "action": row.action,
            "decided_at": row.decided_at.isoformat(),
            "note": row.note,
            "overrides": row.overrides,
            "undone": row.undone,
        }
        for row in own
    ] + [
        {
            "visit": str(row.visit_id),
            "replaced_review_at": row.previous_reviewed_at.isoformat() if row.previous_reviewed_at else None,
            "replaced_review_status": row.previous_status,
            "replaced_review_note": row.previous_review_note,
        }
        for row in replaced
    ]


def questions(user: User) -> list[dict]:
    """The questions they asked as a reviewer, and those about their own visits with their answers."""
    asked = VisitQuestion.objects.filter(asked_by=user)
    to_them = VisitQuestion.objects.filter(visit__observer=user)
    return [
        {
            "visit": str(row.visit_id),
            "asked_by_you": row.asked_by_id == user.pk,
            "asked_at": row.asked_at.isoformat(),
            "question": row.question,
            "answer": row.answer,
            "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        }
        for row in (asked | to_them).distinct().order_by("asked_at")
    ]


def _kept(user: User) -> int:
    return 0


def register() -> None:
    holder(
        "visits",
        export=visits,
        erase=erase_positions,
        covers=("observations.Visit.observer", "observations.HistoricalVisit.observer"),
    )
    holder(
        "reviews",
        export=reviews,
        erase=_kept,
        covers=("observations.Visit.reviewed_by", "observations.HistoricalVisit.reviewed_by"),
    )
    holder(
        "review_decisions",
        export=review_decisions,
        erase=_kept,
        covers=("observations.ReviewDecision.decided_by", "observations.ReviewDecision.previous_reviewed_by"),
    )
    holder("questions", export=questions, erase=_kept, covers=("observations.VisitQuestion.asked_by",))
