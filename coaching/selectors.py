"""Reads for action plans and coaching, scoped to the user in one place.

Managers see the plans of their own stores, supervisors those of their regions' stores, head office
all; shoppers none. Who may read a store's plans is who may read its report
(`stores.selectors.stores_reportable_to`), so the two can never drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from observations import scoring
from observations.models import Interaction, Visit
from reports.power import Effect, effect
from reports.publication import latest_published_week
from reports.samples import VisitScores, visit_scores_by_week
from reports.significance import Sample
from stores.models import Role, Store, User
from stores.selectors import stores_reportable_to
from stores.selectors import supervisors_of as region_supervisors

from .focus import RELUCTANT_FROM, SOUR_FROM, WeekCounts
from .models import ActionPlan, PlanState

# A plan's effect compares WEEKS_BEFORE weeks before the plan with up to WEEKS_AFTER weeks after it was
# submitted. The "before" leaves out the week that opened the plan and the week it was compared with
# (SKIPPED_BEFORE): plans open on unusually bad weeks (and falls on a week after an unusually good
# one), so counting those weeks as "before" would show plans that change nothing as improvements
# (regression to the mean; bench/calibration.py measures it).
WEEKS_BEFORE = 4
SKIPPED_BEFORE = 2
WEEKS_AFTER = 8


def plans_visible_to(user: User) -> QuerySet[ActionPlan]:
    base = ActionPlan.objects.select_related("store__region")
    if not user.is_authenticated or user.role == Role.SHOPPER:
        return base.none()
    return base.filter(store__in=stores_reportable_to(user).order_by().values("pk"))


def plans_decidable_by(user: User) -> QuerySet[ActionPlan]:
    """Plans the user may accept or return: the region's supervisors and head office."""
    if user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        return ActionPlan.objects.none()
    return plans_visible_to(user)


def plans_editable_by(user: User) -> QuerySet[ActionPlan]:
    """Plans the user may fill in and submit: the store's managers."""
    if user.role != Role.MANAGER:
        return ActionPlan.objects.none()
    return plans_visible_to(user)


def managers_of(store: Store) -> QuerySet[User]:
    return User.objects.filter(role=Role.MANAGER, is_active=True, stores=store).exclude(email="")


def supervisors_of(store: Store) -> QuerySet[User]:
    """The store's region's supervisors who can be e-mailed (who supervises: stores.selectors)."""
    return region_supervisors(store.region_id).exclude(email="")


def week_counts(*, store: Store, week_start: dt.date, approved_only: bool, rubric: scoring.RubricParams) -> WeekCounts:
    """The evidence counts of a store-week, in one aggregate query over its counted visits' interactions."""
    interactions = Interaction.objects.filter(
        visit__in=Visit.objects.counted(approved_only=approved_only).filter(store=store, week_start=week_start)
    )
    asked = Q(asked=True)
    reluctant = Q(asked=True, response_quality__lte=RELUCTANT_FROM)
    values = interactions.aggregate(
        interactions=Count("pk"),
        not_greeted=Count("pk", filter=Q(greeted=False)),
        greeted_late=Count("pk", filter=Q(greeted=True, greeting_seconds__gt=rubric.greeting_target_seconds)),
        greeted_impersonally=Count("pk", filter=Q(greeted=True, greeting_personal=False)),
        sour_faces=Count("pk", filter=Q(smile__lte=SOUR_FROM)),
        smiling=Count("pk", filter=Q(smile__gte=4)),
        followed=Count("pk", filter=Q(followed=True)),
        approached_repeatedly=Count("pk", filter=Q(unsolicited_approaches__gte=2)),
        questions=Count("pk", filter=asked),
        answered_late=Count("pk", filter=asked & Q(response_seconds__gt=rubric.response_target_seconds)),
        answered_reluctantly=Count("pk", filter=reluctant),
        wishes=Count("pk", filter=asked & Q(special_request=True)),
        wishes_refused=Count("pk", filter=reluctant & Q(special_request=True)),
    )
    return WeekCounts(**values)


@dataclass(frozen=True)
class PlanEffect:
    """A plan's focus behaviour before (WEEKS_BEFORE weeks, up to the week before the one the opening
    week was compared with) and after (the weeks after the plan was submitted, up to the store's
    last published week)."""

    dimension: str
    before_weeks: tuple[dt.date, dt.date]
    after_weeks: tuple[dt.date, dt.date] | None
    effect: Effect | None  # None until there is a week after the plan


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def plan_windows(plan: ActionPlan, *, last_published_week: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """The weeks before the plan and the weeks after its submission, up to `last_published_week`."""
    before = [
        plan.week_start - dt.timedelta(weeks=i)
        for i in range(WEEKS_BEFORE + SKIPPED_BEFORE - 1, SKIPPED_BEFORE - 1, -1)
    ]
    if plan.submitted_at is None or plan.state == PlanState.OPEN:
        return before, []
    first_after = _monday(plan.submitted_at.astimezone(plan.store.tzinfo).date()) + dt.timedelta(weeks=1)
    after = []
    week = first_after
    while week <= last_published_week and len(after) < WEEKS_AFTER:
        after.append(week)
        week += dt.timedelta(weeks=1)
    return before, after


def plan_effects(
    plans: list[ActionPlan], *, approved_only: bool, now: dt.datetime | None = None
) -> dict[int, list[PlanEffect]]:
    """Before/after of every focus behaviour of the plans, from one query of visit scores. The
    "after" of each plan ends with its store's last week published to managers
    (`reports.publication`): a week in progress, or one not yet published in the store's time
    zone, would move as a mystery shopper's visit arrives."""
    now = now or timezone.now()
    windows = {
        plan.pk: plan_windows(plan, last_published_week=latest_published_week(plan.store.tzinfo, now)) for plan in plans
    }
    weeks = sorted({week for before, after in windows.values() for week in (*before, *after)})
    scores = (
        visit_scores_by_week(stores=[plan.store_id for plan in plans], weeks=weeks, approved_only=approved_only)
        if plans
        else {}
    )
    return {
        plan.pk: effects_of(plan, before=windows[plan.pk][0], after=windows[plan.pk][1], scores=scores)
        for plan in plans
    }


def effects_of(
    plan: ActionPlan, *, before: list[dt.date], after: list[dt.date], scores: VisitScores
) -> list[PlanEffect]:
    """The plan's focus behaviours before and after, from its store's visit scores by week."""
    effects = []
    for name in plan.focuses:
        values_before = [v for week in before for v in scores.get((plan.store_id, week), {}).get(name, [])]
        values_after = [v for week in after for v in scores.get((plan.store_id, week), {}).get(name, [])]
        effects.append(
            PlanEffect(
                dimension=name,
                before_weeks=(before[0], before[-1]),
                after_weeks=(after[0], after[-1]) if after else None,
                effect=effect(Sample.of(values_before), Sample.of(values_after)) if after else None,
            )
        )
    return effects


@dataclass(frozen=True)
class FocusOutcome:
    """Across the plans that focused on a behaviour and have weeks after them."""

    dimension: str
    plans: int
    measured: int  # with visits on both sides
    improved: int  # a meaningful rise
    worsened: int  # a meaningful fall
    mean_change: float | None  # mean of the plans' differences, in points


def focus_outcomes(effects: dict[int, list[PlanEffect]]) -> list[FocusOutcome]:
    """Which focus behaviours improved after plans, and by how much (head office's overview)."""
    by_dimension: dict[str, list[PlanEffect]] = defaultdict(list)
    for plan_effects_ in effects.values():
        for item in plan_effects_:
            by_dimension[item.dimension].append(item)
    outcomes = []
    for name in scoring.DIMENSIONS:
        items = by_dimension.get(name, [])
        deltas = [
            item.effect.difference.delta
            for item in items
            if item.effect is not None and item.effect.difference.delta is not None
        ]
        directions = [item.effect.difference.direction for item in items if item.effect is not None]
        outcomes.append(
            FocusOutcome(
                dimension=name,
                plans=len(items),
                measured=len(deltas),
                improved=directions.count("rise"),
                worsened=directions.count("fall"),
                mean_change=sum(deltas) / len(deltas) if deltas else None,
            )
        )
    return outcomes
