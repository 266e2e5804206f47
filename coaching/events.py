"""What coaching tells the rest of the company: a plan's state changed (opened, submitted, accepted,
returned), recorded in the outbox in the transaction of the change. The webhooks app handles the
kind (`webhooks.handlers`); each transition is its own work (the key names plan, round and state)."""

from __future__ import annotations

from django.utils import timezone

from observations import outbox

from .models import ActionPlan

PLAN_STATE_CHANGED = "action_plan_state_changed"


def plan_state_changed(plan: ActionPlan) -> None:
    outbox.record(
        outbox.Work(
            PLAN_STATE_CHANGED,
            f"{plan.pk}:{plan.round}:{plan.state}",
            {"plan": plan.pk, "state": plan.state, "round": plan.round, "at": timezone.now().isoformat()},
        )
    )
