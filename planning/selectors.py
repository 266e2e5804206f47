"""Reads of planning, scoped to the user who asks: the one place views, the API and CSV use.

Head office sees every wave; supervisors the waves with stores in their regions and only those
stores; shoppers only their own assignments of published waves (and the board); store managers
nothing at all, whatever they ask for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from observations.models import Visit
from stores.calendar import Closure
from stores.models import Role, Store, User
from stores.selectors import stores_observable_by, stores_visible_to

from . import coverage, needed
from .inputs import on_store_days, store_closures
from .models import Assignment, AssignmentDecline, AssignmentStatus, TargetKind, Wave, WaveStatus, WaveStore


def planning_stores(user: User) -> QuerySet[Store]:
    """Stores whose planning the user may see: head office all, supervisors their regions'."""
    if not user.is_authenticated or user.role not in (Role.HEAD_OFFICE, Role.SUPERVISOR):
        return Store.objects.none()
    return stores_visible_to(user)


def sees_planning(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in (Role.HEAD_OFFICE, Role.SUPERVISOR)


def waves_visible_to(user: User) -> QuerySet[Wave]:
    if not sees_planning(user):
        return Wave.objects.none()
    if user.role == Role.HEAD_OFFICE:
        return Wave.objects.all()
    stores = planning_stores(user)
    return Wave.objects.filter(
        Exists(Wave.regions.through.objects.filter(wave=OuterRef("pk"), region__stores__in=stores))
        | Exists(Wave.chosen_stores.through.objects.filter(wave=OuterRef("pk"), store__in=stores))
        | Exists(WaveStore.objects.filter(wave=OuterRef("pk"), store__in=stores))
    )


def wave_stores_visible_to(user: User, wave: Wave) -> QuerySet[WaveStore]:
    rows = WaveStore.objects.filter(wave=wave).select_related("store__region").order_by("store__code")
    if user.role == Role.HEAD_OFFICE:
        return rows
    return rows.filter(store__in=planning_stores(user))


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """Head office all, supervisors their regions', shoppers their own in published waves."""
    base = Assignment.objects.select_related("store__region", "wave", "shopper")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.HEAD_OFFICE:
        return base.all()
    if user.role == Role.SUPERVISOR:
        return base.filter(store__in=planning_stores(user))
    if user.role == Role.SHOPPER:
        return base.filter(shopper=user, wave__status=WaveStatus.PUBLISHED)
    return base.none()


def shopper_assignments(user: User, *, today: dt.date | None = None) -> QuerySet[Assignment]:
    """What a shopper's phone shows: their assigned and overdue assignments, and those done in the last week."""
    today = today or timezone.localdate()
    return (
        assignments_visible_to(user)
        .filter(
            Q(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.OVERDUE])
            | Q(status=AssignmentStatus.DONE, window_end__gte=today - dt.timedelta(days=7))
        )
        .order_by("window_start", "store__code", "pk")
    )


def board_for(user: User, *, today: dt.date | None = None) -> QuerySet[Assignment]:
    """Open assignments of published waves with a board, in stores the shopper may record for,
    not declined by them and not past their window."""
    if not user.is_authenticated or user.role != Role.SHOPPER:
        return Assignment.objects.none()
    today = today or timezone.localdate()
    return (
        Assignment.objects.select_related("store__region", "wave")
        .filter(
            status=AssignmentStatus.OPEN,
            wave__status=WaveStatus.PUBLISHED,
            wave__board_enabled=True,
            window_end__gte=today,
            store__in=stores_observable_by(user),
        )
        .exclude(Exists(AssignmentDecline.objects.filter(assignment=OuterRef("pk"), shopper=user)))
        .order_by("window_start", "store__code", "pk")
    )


@dataclass(frozen=True)
class CoverageRow:
    store_code: str
    store_name: str
    region_code: str
    spread: float
    figures: coverage.StoreCoverage


def wave_coverage(user: User, wave: Wave, *, today: dt.date | None = None) -> list[CoverageRow]:
    """Per store of the wave in the user's scope: planned, done, overdue, declined, precision, risk.
    Four queries whatever the number of stores (stores, assignments, declines, visits). Counts
    are made for the whole wave and read only for the stores in scope."""
    today = today or timezone.localdate()
    in_scope = wave_stores_visible_to(user, wave)
    rows = list(
        in_scope.values_list("store_id", "store__code", "store__name", "store__region__code", "visits_needed", "spread")
    )
    store_ids = in_scope.values("store_id")
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_status = (
        Assignment.objects.filter(wave=wave)
        .exclude(status=AssignmentStatus.CANCELLED)
        .values("store_id", "status")
        .annotate(n=Count("pk"), upcoming=Count("pk", filter=Q(window_end__gte=today)))
        .order_by()
    )
    for item in by_status:
        store_counts = counts[item["store_id"]]
        store_counts[item["status"]] += item["n"]
        store_counts["planned"] += item["n"]
        if item["status"] == AssignmentStatus.ASSIGNED:
            store_counts["upcoming"] += item["upcoming"]
    declined = dict(
        AssignmentDecline.objects.filter(assignment__wave=wave)
        .values("assignment__store_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignment__store_id", "n")
    )
    counted = Visit.objects.counted().filter(store_id__in=store_ids, soi__isnull=False)
    scores: dict[int, list[float]] = defaultdict(list)
    for store_id, soi in on_store_days(counted, wave.starts_on, wave.ends_on, "store_id", "soi"):
        scores[store_id].append(soi)
    samples = {
        store_id: needed.Sample(len(values), sum(values), sum(value * value for value in values))
        for store_id, values in scores.items()
    }
    target = wave.target_half_width if wave.target_kind == TargetKind.PRECISION else None
    wave_over = today > wave.ends_on
    empty = needed.Sample()
    result = []
    for store_id, code, name, region, visits_needed, spread in rows:
        store_counts = counts[store_id]
        figures = coverage.store_coverage(
            visits_needed=visits_needed,
            target_half_width=target,
            planned_sd=spread,
            done=samples.get(store_id, empty),
            planned=store_counts["planned"],
            upcoming=store_counts["upcoming"],
            open_=store_counts[AssignmentStatus.OPEN],
            overdue=store_counts[AssignmentStatus.OVERDUE],
            declined=declined.get(store_id, 0),
            wave_over=wave_over,
        )
        result.append(CoverageRow(code, name, region, spread, figures))
    return result


def wave_closures(user: User, wave: Wave, *, language: str | None = None) -> dict[int, dict[dt.date, Closure]]:
    """Per store of the wave in the user's scope: the days of the wave it is closed and why, which
    the planner skips (holiday names in `language`)."""
    store_ids = [row.store_id for row in wave_stores_visible_to(user, wave).only("store_id")]
    return store_closures(store_ids, wave.starts_on, wave.ends_on, language=language)
