"""What coaching holds about a person: the action plans they submitted or decided, and the e-mails
about plans sent to them. Erasure deletes the e-mail rows; the plans stay."""

from __future__ import annotations

from django.db.models import Q

from core.personal_data import holder
from stores.models import User

from .models import ActionPlan, PlanNotice


def action_plans(user: User) -> list[dict]:
    rows = ActionPlan.objects.filter(Q(submitted_by=user) | Q(decided_by=user)).select_related("store")
    return [
        {
            "store": plan.store.code,
            "week_start": plan.week_start,
            "state": plan.state,
            "actions": plan.actions,
            "owner": plan.owner,
            "submitted_at": plan.submitted_at.isoformat() if plan.submitted_by_id == user.pk else None,
            "decided_at": plan.decided_at.isoformat() if plan.decided_by_id == user.pk else None,
            "note": plan.supervisor_note if plan.decided_by_id == user.pk else "",
        }
        for plan in rows.order_by("week_start", "pk")
    ]


def notices(user: User) -> list[dict]:
    return [
        {
            "store": code,
            "week_start": week,
            "kind": kind,
            "status": status,
            "sent_at": sent.isoformat() if sent else None,
        }
        for code, week, kind, status, sent in PlanNotice.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("plan__store__code", "plan__week_start", "kind", "status", "sent_at")
    ]


def erase_notices(user: User) -> int:
    return PlanNotice.objects.filter(recipient=user).delete()[0]


def _kept(user: User) -> int:
    return 0


def register() -> None:
    holder(
        "action_plans",
        export=action_plans,
        erase=_kept,
        covers=("coaching.ActionPlan.submitted_by", "coaching.ActionPlan.decided_by"),
    )
    holder("plan_emails", export=notices, erase=erase_notices, covers=("coaching.PlanNotice.recipient",))
