"""Writes of action plans: opening them after a week, submitting, accepting or returning, reminders.

Each state change records the e-mails it owes (`PlanNotice` rows, unique) in the same transaction
and sends them after commit (`coaching.notices`), so a notice is neither lost with a rolled-back
change nor sent twice.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid
from observations import scoring
from reports.calls import report_differences
from reports.distributions import t_quantile
from reports.figures import week_rubrics
from reports.periods import monday_of
from reports.publication import is_published
from reports.samples import visit_scores_by_week
from reports.significance import Sample, floored_variance
from stores.models import Role, Store, User

from . import events, notices
from .focus import WeekCounts, what_to_work_on
from .models import MAX_TEXT, ActionPlan, Focus, NoticeKind, PlanState, Reason
from .selectors import managers_of, supervisors_of


class PlanError(Invalid):
    """A plan cannot change this way; `field` names what is wrong (or "state")."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Opening:
    reason: str
    focus: tuple[str, ...]


# A desert plan needs at least this many visits in the week: the evidence is the week's interval
# (below), and with two visits its spread rests on one degree of freedom, so two bad visits in a
# row would do; with three the interval's upper end lies below the desert limit only when the
# visits agree that the store is in the desert (bench/calibration.py: plans on stationary stores).
MIN_VISITS_FOR_DESERT = 3
# A fall opens a plan when the report's family control calls the SOI's fall at this level: a plan
# costs a manager's week, so it asks for stronger evidence than a line of the report (at 5 %, about
# 2.5 % of the weeks of a store whose service never changes would open a plan for a fall; at 2 %,
# about 1 %: bench/calibration.py).
PLAN_ALPHA = 0.02


def desert_upper_bound(sois: list[float]) -> float | None:
    """The upper end of the week's 95% interval of the SOI, the visits' spread at least
    MIN_VISIT_SD (so that a few identical visits are not certainty); None below
    MIN_VISITS_FOR_DESERT visits."""
    sample = Sample.of(sois)
    if sample.n < MIN_VISITS_FOR_DESERT:
        return None
    se = math.sqrt(floored_variance(sample.variance) / sample.n)
    return sample.mean + t_quantile(sample.n - 1) * se


def opening_for(this_week: dict[str, list], last_week: dict[str, list], rubric: scoring.RubricParams) -> Opening | None:
    """Whether a store-week opens a plan, why, and on which behaviours, on evidence only.

    A desert plan when the whole 95% interval of the week's SOI lies below the desert limit of the
    rubric that bands the week (`rubric`, as the report bands it), with at least
    MIN_VISITS_FOR_DESERT visits: it focuses on the behaviours with the most room for improvement.
    A fall plan when the report's own family control (`reports.calls.report_differences`) calls a
    fall of the SOI at PLAN_ALPHA: it focuses on the fallen dimensions the family control
    calls, or else on the dimensions that fell most."""
    sois = this_week.get("soi", [])
    if not sois:
        return None
    upper = desert_upper_bound(sois)
    if upper is not None and upper < rubric.desert_below_soi:
        means = {
            name: (sum(this_week[name]) / len(this_week[name]) if this_week.get(name) else None)
            for name in scoring.DIMENSIONS
        }
        points = what_to_work_on(means, WeekCounts(), rubric)
        if points:
            return Opening(Reason.DESERT, tuple(point.dimension for point in points))
        worst = min((name for name in scoring.DIMENSIONS if means[name] is not None), key=lambda n: means[n])
        return Opening(Reason.DESERT, (worst,))
    differences = report_differences(this_scores=this_week, last_scores=last_week, alpha=PLAN_ALPHA)
    if differences.get("soi") is None or differences["soi"].direction != "fall":
        return None
    fallen = [(differences[name].delta, name) for name in scoring.DIMENSIONS if name in differences]
    called = [item for item in fallen if differences[item[1]].direction == "fall"]
    chosen = sorted(called) or sorted(item for item in fallen if item[0] is not None and item[0] < 0)
    return Opening(Reason.FALL, tuple(name for _delta, name in chosen[:2]))


def plans_open_for_published_weeks(now: dt.datetime | None = None) -> list[ActionPlan]:
    """Open the plans of every store whose week has just been published to its managers.

    A week is published at a different moment in each time zone (reports.publication): the
    candidates are the UTC week in progress (done already where the day is ahead of UTC) and the
    one before it; each store joins once its own week is published, and only until it has a plan."""
    now = now or timezone.now()
    this_week = monday_of(now.astimezone(dt.UTC).date())
    opened = []
    for week_start in (this_week - dt.timedelta(weeks=1), this_week):
        opened += plans_open_for_week(week_start=week_start, published_by=now)
    return opened


def plans_open_for_week(
    *, week_start: dt.date, approved_only: bool | None = None, published_by: dt.datetime | None = None
) -> list[ActionPlan]:
    """Open the plans a completed week calls for (safe to run twice: one plan per store-week).
    With `published_by`, only for stores whose week is published by then and has no plan yet.
    Counts the visits the reports count (OASIS_REPORTS_APPROVED_ONLY unless `approved_only` is
    given) and bands each store-week with the rubric the report bands it with
    (`reports.figures.week_rubrics`). Three queries to decide (the stores, their visit scores of
    this week and the week before, the week's rubrics)."""
    if approved_only is None:
        approved_only = settings.OASIS_REPORTS_APPROVED_ONLY
    previous = week_start - dt.timedelta(weeks=1)
    candidates = Store.objects.filter(is_active=True, visits__week_start=week_start).distinct()
    if published_by is not None:
        candidates = candidates.exclude(action_plans__week_start=week_start)
    stores = [
        store for store in candidates if published_by is None or is_published(week_start, store.tzinfo, published_by)
    ]
    if not stores:
        return []
    scores = visit_scores_by_week(stores=stores, weeks=[previous, week_start], approved_only=approved_only)
    rubrics = week_rubrics(stores=stores, week_start=week_start, approved_only=approved_only)
    opened = []
    for store in stores:
        this_week = scores.get((store.pk, week_start), {})
        opening = opening_for(this_week, scores.get((store.pk, previous), {}), rubrics[store.pk])
        if opening is None:
            continue
        plan = plan_open(store=store, week_start=week_start, reason=opening.reason, focus=opening.focus)
        if plan is not None:
            opened.append(plan)
    return opened


@transaction.atomic
def plan_open(*, store: Store, week_start: dt.date, reason: str, focus: tuple[str, ...]) -> ActionPlan | None:
    """A new plan and its notice to the store's managers; None if the store-week has one already."""
    try:
        with transaction.atomic():
            plan = ActionPlan.objects.create(
                store=store,
                week_start=week_start,
                reason=reason,
                focus=focus[0],
                second_focus=focus[1] if len(focus) > 1 else "",
            )
    except IntegrityError:
        return None
    notices.record(plan, NoticeKind.OPENED, managers_of(store))
    events.plan_state_changed(plan)
    return plan


def _clean_text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PlanError(field, _("must not be empty."))
    if len(value) > MAX_TEXT:
        raise PlanError(field, _("at most %(n)s characters.") % {"n": MAX_TEXT})
    return value


@transaction.atomic
def plan_submit(
    *,
    plan: ActionPlan,
    by: User,
    focus: str,
    second_focus: str = "",
    actions: str,
    owner: str,
    due_date: dt.date,
    today: dt.date | None = None,
) -> ActionPlan:
    """A manager hands the plan to the region's supervisor (first time, or revised after a return)."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if by.role != Role.MANAGER:
        raise PlanError("state", _("only the store's managers submit plans."))
    if not plan.is_editable:
        raise PlanError("state", _("this plan is with the supervisor or accepted already."))
    if focus not in Focus.values:
        raise PlanError("focus", _("must be one of %(choices)s.") % {"choices": ", ".join(Focus.values)})
    if second_focus and (second_focus not in Focus.values or second_focus == focus):
        raise PlanError("second_focus", _("must be another behaviour than the first, or empty."))
    today = today or timezone.localdate()
    if due_date < today:
        raise PlanError("due_date", _("must not be in the past."))
    if due_date > today + dt.timedelta(weeks=26):
        raise PlanError("due_date", _("must be within half a year."))
    plan.focus, plan.second_focus = focus, second_focus
    plan.actions = _clean_text(actions, "actions")
    plan.owner = _clean_text(owner, "owner")[:150]
    plan.due_date = due_date
    plan.state = PlanState.SUBMITTED
    plan.round += 1
    plan.submitted_at = timezone.now()
    plan.submitted_by = by
    plan.save()
    notices.record(plan, NoticeKind.SUBMITTED, supervisors_of(plan.store))
    events.plan_state_changed(plan)
    return plan


@transaction.atomic
def plan_decide(*, plan: ActionPlan, by: User, accept: bool, note: str = "") -> ActionPlan:
    """The region's supervisor (or head office) accepts a submitted plan or returns it with a note."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if by.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        raise PlanError("state", _("only the region's supervisor or head office decide on plans."))
    if plan.state != PlanState.SUBMITTED:
        raise PlanError("state", _("only a submitted plan can be accepted or returned."))
    plan.supervisor_note = _clean_text(note, "note", required=not accept)
    plan.state = PlanState.ACCEPTED if accept else PlanState.RETURNED
    plan.decided_at = timezone.now()
    plan.decided_by = by
    plan.save()
    notices.record(plan, NoticeKind.ACCEPTED if accept else NoticeKind.RETURNED, managers_of(plan.store))
    events.plan_state_changed(plan)
    return plan


def plan_reminders_due(*, today: dt.date | None = None) -> int:
    """Record one reminder per overdue plan and manager (never twice: unique per plan, round and
    recipient). Returns how many plans were overdue."""
    today = today or timezone.localdate()
    overdue = [
        plan
        for plan in ActionPlan.objects.exclude(state=PlanState.ACCEPTED).select_related("store")
        if plan.is_overdue(today) and plan.state != PlanState.SUBMITTED
    ]
    for plan in overdue:
        with transaction.atomic():
            notices.record(plan, NoticeKind.REMINDER, managers_of(plan.store))
    return len(overdue)
