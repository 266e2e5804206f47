"""What each role may do beyond its scope: the one place that ties a role to admin access.

The role is the permission. Head office manages regions, stores, people, the rubric and visits in
the admin through the `head_office` group, which holds exactly `HEAD_OFFICE_PERMISSIONS`; being in
the group and being staff follow from the role (`stores.services.user_apply_role`), never the other
way round. Which scope a role uses (stores or regions) is decided here too.
"""

from __future__ import annotations

from .models import Role

HEAD_OFFICE_GROUP = "head_office"

# (app label, model) -> actions. No "delete": stores are closed, people deactivated or
# anonymised, visits rejected; nothing the statistics rest on is deleted.
HEAD_OFFICE_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("stores", "region"): ("add", "change", "view"),
    ("stores", "store"): ("add", "change", "view"),
    ("stores", "user"): ("add", "change", "view"),
    # The company's closed days (not planned); a day entered by mistake is deleted.
    ("stores", "closedday"): ("add", "change", "delete", "view"),
    ("observations", "rubric"): ("add", "change", "view"),
    ("observations", "visit"): ("change", "view"),
    ("observations", "interaction"): ("change", "view"),
    # Single sign-on: which company groups make which role; who signed in as whom (read only).
    ("sso", "rolemapping"): ("add", "change", "delete", "view"),
    ("sso", "identity"): ("view",),
    # The admin sections the README names: e-mails and alerts, follow-up work, action plans,
    # planning (per-shopper capacity is set here), photos. Read only, except the capacities.
    ("notifications", "reportdelivery"): ("view",),
    ("notifications", "visitalert"): ("view",),
    ("notifications", "setpasswordmail"): ("view",),
    ("coaching", "actionplan"): ("view",),
    ("coaching", "plannotice"): ("view",),
    ("planning", "wave"): ("view",),
    ("planning", "assignment"): ("view",),
    ("planning", "assignmentdecline"): ("view",),
    ("planning", "shoppercapacity"): ("add", "change", "delete", "view"),
    ("core", "outboxitem"): ("view",),
    ("photos", "photo"): ("view",),
    # Webhooks: endpoints; the delivery log (change: its "send again" action) and the events sent.
    ("webhooks", "endpoint"): ("add", "change", "delete", "view"),
    ("webhooks", "delivery"): ("change", "view"),
    ("webhooks", "event"): ("view",),
}

# Which scope a role uses: shoppers are assigned stores, managers manage stores, supervisors look
# after regions; head office sees everything and needs neither.
SCOPE_OF_ROLE: dict[str, str | None] = {
    Role.SHOPPER: "stores",
    Role.MANAGER: "stores",
    Role.SUPERVISOR: "regions",
    Role.HEAD_OFFICE: None,
}


def head_office_permission_codenames() -> set[tuple[str, str]]:
    """(app label, codename) of every permission the head office group holds."""
    return {
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in HEAD_OFFICE_PERMISSIONS.items()
        for action in actions
    }


def scope_of(role: str) -> str | None:
    return SCOPE_OF_ROLE.get(role)
