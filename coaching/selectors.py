"""Reads for action plans and coaching, scoped to the user in one place.

Managers see the plans of their own stores, supervisors those of their regions' stores, head office
all; shoppers none. Who may read a store's plans is who may read its report
(`stores.selectors.stores_reportable_to`), so the two can never drift apart.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from observations import scoring
from observations.models import Interaction, Visit, counting_scope
from reports.distributions import t_quantile, t_two_sided_p
from reports.models import StoreWeekRollup
from reports.power import Effect, effect
from reports.publication import latest_published_week
from reports.samples import VisitScores, visit_scores_by_week
from reports.significance import Difference, Sample, floored_variance, welch
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


def _windows_and_scores(
    plans: list[ActionPlan], *, approved_only: bool, now: dt.datetime | None
) -> tuple[dict[int, tuple[list[dt.date], list[dt.date]]], VisitScores]:
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
    return windows, scores


def plan_effects(
    plans: list[ActionPlan], *, approved_only: bool, now: dt.datetime | None = None
) -> dict[int, list[PlanEffect]]:
    """Before/after of every focus behaviour of the plans, from one query of visit scores. The
    "after" of each plan ends with its store's last week published to managers
    (`reports.publication`): a week in progress, or one not yet published in the store's time
    zone, would move as a mystery shopper's visit arrives."""
    windows, scores = _windows_and_scores(plans, approved_only=approved_only, now=now)
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


# --- Against comparable stores (head office's "what changed after the plans") ----------------------
#
# A store's change after a plan is also the change every store went through over those weeks (a
# season, a campaign, a new rubric's habits): head office's table compares each plan's change with the
# change of comparable stores over the same weeks, a difference in differences:
#
#   plan change       = mean after - mean before of the plan's store (its visits, Welch's variance)
#   comparison change = mean over comparable stores of their own mean after - mean before
#   relative change   = plan change - comparison change, variance = Welch's + spread of the
#                       comparable stores' changes / their number (Satterthwaite's degrees of freedom)
#
# Comparable: a store of the same region without a plan opened from the first week before to the last
# week after, with visits scoring the behaviour on both sides; of those, the ones whose SOI in the week
# that opened the plan was within MATCH_POINTS of the plan store's, when at least MIN_COMPARABLE are
# (else every comparable store of the region). Still not a cause: the plan's store chose to act, the
# others did not (bench/calibration.py measures plans that change nothing).
MIN_COMPARABLE = 3
MATCH_POINTS = 10.0


def comparison_changes(trigger_soi: float | None, candidates: Iterable[tuple[float | None, float]]) -> list[float]:
    """The changes of the comparable stores, from (their SOI in the opening week, their change):
    matched on the opening week's level when enough are, else all."""
    candidates = list(candidates)
    if trigger_soi is not None:
        matched = [
            change for level, change in candidates if level is not None and abs(level - trigger_soi) <= MATCH_POINTS
        ]
        if len(matched) >= MIN_COMPARABLE:
            return matched
    return [change for _level, change in candidates]


def relative_difference(before: Sample, after: Sample, comparison: list[float]) -> Difference:
    """The plan store's change minus the mean change of the comparable stores, with its 95 %
    interval: `before`/`after` of the Difference are the comparison's change and the plan's change
    (so its delta is the relative change); `n_before` counts the comparable stores, `n_after` the
    plan store's visits. Untestable with fewer than two visits on a side or MIN_COMPARABLE stores."""
    own = None if before.mean is None or after.mean is None else after.mean - before.mean
    compared = math.fsum(comparison) / len(comparison) if comparison else None
    untestable = Difference(compared, own, len(comparison), after.n)
    if own is None or compared is None or before.variance is None or after.variance is None:
        return untestable
    if len(comparison) < MIN_COMPARABLE:
        return untestable
    own_se2_before = floored_variance(before.variance) / before.n
    own_se2_after = floored_variance(after.variance) / after.n
    own_se, own_df = welch(own_se2_before, before.n, own_se2_after, after.n)
    spread = math.fsum((change - compared) ** 2 for change in comparison) / (len(comparison) - 1)
    compared_se2 = spread / len(comparison)
    se2 = own_se * own_se + compared_se2
    df_terms = (own_se**4) / own_df + (compared_se2 * compared_se2) / (len(comparison) - 1)
    df = se2 * se2 / df_terms
    se = math.sqrt(se2)
    delta = own - compared
    half_width = t_quantile(df) * se
    low, high = delta - half_width, delta + half_width
    return Difference(
        compared, own, len(comparison), after.n, low, high, t_two_sided_p(delta / se, df), low > 0 or high < 0
    )


@dataclass(frozen=True)
class RelativeEffect:
    """A plan's focus behaviour against comparable stores over the same weeks (None: no week after)."""

    dimension: str
    difference: Difference | None


def _mean_of(parts: list[tuple[float, int]]) -> float | None:
    n = sum(count for _total, count in parts)
    return math.fsum(total for total, _count in parts) / n if n else None


def relative_effects(
    plans: list[ActionPlan], *, approved_only: bool, now: dt.datetime | None = None
) -> dict[int, list[RelativeEffect]]:
    """Every focus behaviour of the plans against comparable stores of their regions over the same
    weeks (see above): the plans' visit scores in one query, the region's store-week rollups in one,
    its stores and plans in one each."""
    windows, scores = _windows_and_scores(plans, approved_only=approved_only, now=now)
    regions = {plan.store.region_id for plan in plans}
    weeks = sorted({w for before, after in windows.values() for w in (*before, *after)} | {p.week_start for p in plans})
    stores = dict(Store.objects.filter(region_id__in=regions).values_list("pk", "region_id")) if plans else {}
    planned = defaultdict(list)
    for store_id, week in ActionPlan.objects.filter(store__in=list(stores)).values_list("store_id", "week_start"):
        planned[store_id].append(week)
    sums: dict[tuple[int, dt.date], dict] = {}
    if plans:
        rows = StoreWeekRollup.objects.filter(
            scope=counting_scope(approved_only), store__in=list(stores), week_start__in=weeks
        ).order_by()
        fields = ["n_visits", "soi_sum", *(f"{d}_{part}" for d in scoring.DIMENSIONS for part in ("sum", "n"))]
        for row in rows.values("store_id", "week_start", *fields):
            sums[(row["store_id"], row["week_start"])] = row
    found = {}
    for plan in plans:
        before, after = windows[plan.pk]

        def level(store_id: int, week: dt.date = plan.week_start) -> float | None:
            row = sums.get((store_id, week))
            return row["soi_sum"] / row["n_visits"] if row and row["n_visits"] else None

        def change(store_id: int, name: str, before=before, after=after) -> float | None:
            sides = [
                _mean_of([(row[f"{name}_sum"], row[f"{name}_n"]) for w in side if (row := sums.get((store_id, w)))])
                for side in (before, after)
            ]
            return None if sides[0] is None or sides[1] is None else sides[1] - sides[0]

        others = [
            store_id
            for store_id, region_id in stores.items()
            if region_id == plan.store.region_id
            and store_id != plan.store_id
            and not any(before[0] <= week <= (after or before)[-1] for week in planned.get(store_id, ()))
        ]
        items = []
        for name in plan.focuses:
            if not after:
                items.append(RelativeEffect(name, None))
                continue
            candidates = [(level(other), c) for other in others if (c := change(other, name)) is not None]
            values_before = [v for week in before for v in scores.get((plan.store_id, week), {}).get(name, [])]
            values_after = [v for week in after for v in scores.get((plan.store_id, week), {}).get(name, [])]
            difference = relative_difference(
                Sample.of(values_before),
                Sample.of(values_after),
                comparison_changes(level(plan.store_id), candidates),
            )
            items.append(RelativeEffect(name, difference))
        found[plan.pk] = items
    return found


@dataclass(frozen=True)
class FocusOutcome:
    """Across the plans that focused on a behaviour and have weeks after them, each measured
    against comparable stores over the same weeks."""

    dimension: str
    plans: int
    measured: int  # with visits on both sides and enough comparable stores
    improved: int  # rose relative to comparable stores, beyond normal variation
    worsened: int  # fell relative to comparable stores, beyond normal variation
    mean_change: float | None  # mean of the plans' relative changes, in points
    low: float | None = None  # its 95 % interval (over the plans; two or more measured)
    high: float | None = None


def focus_outcomes(effects: dict[int, list[RelativeEffect]]) -> list[FocusOutcome]:
    """Which focus behaviours changed after plans relative to comparable stores, and by how much
    (head office's overview)."""
    by_dimension: dict[str, list[RelativeEffect]] = defaultdict(list)
    for items in effects.values():
        for item in items:
            by_dimension[item.dimension].append(item)
    outcomes = []
    for name in scoring.DIMENSIONS:
        items = by_dimension.get(name, [])
        measured = [item.difference for item in items if item.difference is not None and item.difference.testable]
        deltas = [difference.delta for difference in measured]
        mean = math.fsum(deltas) / len(deltas) if deltas else None
        low = high = None
        if len(deltas) >= 2 and mean is not None:
            half = t_quantile(len(deltas) - 1) * statistics.stdev(deltas) / math.sqrt(len(deltas))
            low, high = mean - half, mean + half
        directions = [difference.direction for difference in measured]
        outcomes.append(
            FocusOutcome(
                dimension=name,
                plans=len(items),
                measured=len(deltas),
                improved=directions.count("rise"),
                worsened=directions.count("fall"),
                mean_change=mean,
                low=low,
                high=high,
            )
        )
    return outcomes
