"""What coaching announces to the apps that follow up on action plans (`core.outbox.announce`):
a plan's state changed (opened, submitted, accepted, returned). The work its subscribers return is
recorded in the transaction of the change; coaching knows nothing of it (webhooks send it on)."""

from __future__ import annotations

from django.utils import timezone

from core import outbox

from .models import ActionPlan

# Payload: {"plan": id, "state": the new state, "round": how often submitted, "at": ISO time}.
PLAN_STATE_CHANGED = "action_plan_state_changed"


def plan_state_changed(plan: ActionPlan) -> None:
    outbox.record(
        *outbox.announce(
            PLAN_STATE_CHANGED,
            {"plan": plan.pk, "state": plan.state, "round": plan.round, "at": timezone.now().isoformat()},
        )
    )
