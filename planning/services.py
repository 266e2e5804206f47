"""Writes of planning: defining and planning waves, adjusting, publishing, declining, linking
visits (what the planner reads: `planning.inputs`). Views, the API, the admin and tasks call these; none of them holds a planning rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core import errors as core_errors
from core import outbox
from core.errors import Invalid
from core.inserts import insert_rows, read_back_fields, written_fields
from observations.models import Visit
from stores.models import Role, Store, User
from stores.selectors import stores_observable_by

from . import needed, planner, staffing, wording
from .inputs import (
    capacities,
    commitments_for,
    history_samples,
    store_closures,
    wave_store_ids,
)
from .models import (
    DECLINE_REASON_MAX_LENGTH,
    MAX_WAVE_DAYS,
    WAVE_FIRST_DAY,
    WAVE_LAST_DAY,
    Assignment,
    AssignmentDecline,
    AssignmentStatus,
    TargetKind,
    Wave,
    WaveStatus,
    WaveStore,
)


class PlanningError(Invalid):
    """A planning rule says no; `errors` maps a field to what is wrong (the API's 400)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors=errors)


class NotAllowed(core_errors.NotAllowed):
    """Only head office plans."""


def _require_head_office(user: User) -> None:
    if user.role != Role.HEAD_OFFICE:
        raise NotAllowed()


@dataclass(frozen=True)
class WaveInput:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    region_ids: tuple[int, ...] = ()
    store_ids: tuple[int, ...] = ()
    target_kind: str = TargetKind.PRECISION
    target_half_width: float = 10.0
    fixed_visits: int | None = None
    min_visits: int = 2
    max_visits: int = 12
    lockout_days: int = 30
    history_weeks: int = 12
    board_enabled: bool = False
    brief: str = ""

    def errors(self) -> dict[str, str]:
        errors = {}
        for name in ("starts_on", "ends_on"):
            day = getattr(self, name)
            if not WAVE_FIRST_DAY <= day <= WAVE_LAST_DAY:
                errors[name] = _("must lie between %(first)s and %(last)s.") % {
                    "first": WAVE_FIRST_DAY.isoformat(),
                    "last": WAVE_LAST_DAY.isoformat(),
                }
        if errors:
            return errors
        if self.ends_on < self.starts_on:
            errors["ends_on"] = _("must not be before the first day.")
        elif (self.ends_on - self.starts_on).days >= MAX_WAVE_DAYS:
            errors["ends_on"] = _("A wave lasts at most %(days)d days.") % {"days": MAX_WAVE_DAYS}
        if not self.region_ids and not self.store_ids:
            errors["stores"] = _("choose at least one region or store.")
        if self.min_visits < 1 or self.max_visits < self.min_visits:
            errors["max_visits"] = _("needs 1 <= minimum <= maximum.")
        if self.target_kind == TargetKind.PRECISION and not 0 < self.target_half_width <= 50:
            errors["target_half_width"] = _("must be more than 0 and at most 50 points.")
        if self.target_kind == TargetKind.FIXED and not self.fixed_visits:
            errors["fixed_visits"] = _("is required for a fixed number of visits.")
        return errors


@transaction.atomic
def wave_create(*, by: User, data: WaveInput) -> Wave:
    _require_head_office(by)
    errors = data.errors()
    if errors:
        raise PlanningError(errors)
    wave = Wave.objects.create(
        created_by=by,
        **{name: getattr(data, name) for name in WaveInput.__dataclass_fields__ if not name.endswith("_ids")},
    )
    wave.regions.set(data.region_ids)
    wave.chosen_stores.set(data.store_ids)
    return wave


@transaction.atomic
def wave_compute_needs(*, wave: Wave) -> list[WaveStore]:
    """Visits needed per store of the wave, from the spread of its recent visit SOIs (planning.needed)."""
    store_ids = wave_store_ids(wave)
    region_of = dict(Store.objects.filter(pk__in=store_ids).values_list("pk", "region_id"))
    by_store, by_region, company = history_samples(starts_on=wave.starts_on, weeks=wave.history_weeks)
    rows = []
    for store_id in store_ids:
        spread = needed.spread(
            by_store.get(store_id, needed.Sample()), by_region.get(region_of[store_id], needed.NO_HISTORY), company
        )
        result = needed.visits_needed(
            sd=spread.sd,
            target_half_width=wave.target_half_width if wave.target_kind == TargetKind.PRECISION else None,
            fixed_visits=wave.fixed_visits if wave.target_kind == TargetKind.FIXED else None,
            min_visits=wave.min_visits,
            max_visits=wave.max_visits,
            sd_df=spread.df,
        )
        rows.append(
            WaveStore(
                wave=wave,
                store_id=store_id,
                visits_needed=result.n,
                spread=spread.sd,
                store_n=spread.store_n,
                region_n=spread.region_n,
                company_n=spread.company_n,
                reason=result.reason,
                would_need=result.would_need,
                expected_half_width=result.expected_half_width,
            )
        )
    WaveStore.objects.filter(wave=wave).delete()
    return WaveStore.objects.bulk_create(rows)


def _ensure_draft(wave: Wave) -> None:
    if not wave.is_draft:
        raise PlanningError({"wave": _("is published already; only a draft is planned or adjusted.")})


@transaction.atomic
def wave_plan(*, wave: Wave, by: User) -> int:
    """Compute the visits needed and propose assignments for them, on the days each store is open.
    Locked assignments stay as they are and count; every other assignment of the draft is proposed
    anew. When visits stay without a shopper, follow-up work works out why and what would staff
    them (planning.staffing.explain_wave). Returns how many were proposed."""
    _require_head_office(by)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    _ensure_draft(wave)
    needs = wave_compute_needs(wave=wave)
    Assignment.objects.filter(wave=wave, locked=False).delete()
    visits_needed = {row.store_id: row.visits_needed for row in needs}
    setup = staffing.setup_for(wave, visits_needed)
    proposals = staffing.assign(setup, lockout_days=wave.lockout_days)
    insert_assignments(
        [
            Assignment(
                wave=wave,
                store_id=proposal.store_id,
                shopper_id=proposal.shopper_id,
                window_start=proposal.window.start,
                window_end=proposal.window.end,
                day_type=proposal.window.day_type,
                time_of_day=proposal.time_of_day,
                status=AssignmentStatus.ASSIGNED if proposal.shopper_id else AssignmentStatus.OPEN,
                reason=proposal.reason,
            )
            for proposal in proposals
        ]
    )
    wave.planned_at = timezone.now()
    wave.staffing = staffing.PENDING if staffing.missing(setup, proposals) else {}
    wave.save(update_fields=["planned_at", "staffing"])
    if wave.staffing:
        outbox.record(outbox.Work(staffing.KIND, str(wave.pk), {"wave": wave.pk}))
    return len(proposals)


def insert_assignments(assignments: list[Assignment]) -> None:
    """Write a wave's new assignments. On PostgreSQL through COPY (psycopg's copy API): for the
    6,000 rows of a large wave it costs a fraction of the CPU of INSERTs whose every parameter is
    quoted in Python (bench/planning.py); elsewhere with bulk_create.

    COPY writes what bulk_create would: every column an INSERT writes (`written_fields`), each value
    as the ORM computes it (`insert_rows`: `pre_save`, so `auto_now` dates, then the database's
    form). A column every row leaves to its database default is left out; rows that mix such a
    default with values, or a model that reads values back from the database, take bulk_create.
    A test compares the rows of both ways column by column."""
    if connection.vendor != "postgresql" or not assignments or read_back_fields(Assignment):
        Assignment.objects.bulk_create(assignments, batch_size=1000)
        return
    fields = written_fields(Assignment)
    rows = insert_rows(fields, assignments)
    defaulted = [isinstance(rows[0][i], DatabaseDefault) for i in range(len(fields))]
    if any(isinstance(value, DatabaseDefault) != defaulted[i] for row in rows for i, value in enumerate(row)):
        Assignment.objects.bulk_create(assignments, batch_size=1000)
        return
    kept = [i for i in range(len(fields)) if not defaulted[i]]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[i].column) for i in kept)
    table = quote(Assignment._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[i] for i in kept])


def _shopper_may_go(*, assignment: Assignment, shopper: User, lockout_days: int) -> None:
    """The rules for one shopper and one assignment: scope, lockout and weekly capacity."""
    if shopper.role != Role.SHOPPER or not stores_observable_by(shopper).filter(pk=assignment.store_id).exists():
        raise PlanningError({"shopper": _("may not record visits for this store.")})
    commitments = commitments_for(
        wave=assignment.wave, shopper_ids=[shopper.pk], store_ids=[assignment.store_id], exclude_ids=[assignment.pk]
    )
    window = planner.Window(
        planner.week_of(assignment.window_start),
        assignment.day_type,
        assignment.window_start,
        assignment.window_end,
    )
    if planner.locked_out(commitments.periods.get((shopper.pk, assignment.store_id), ()), window, lockout_days):
        raise PlanningError(
            {"shopper": _("was or will be in this store within %(days)d days (lockout).") % {"days": lockout_days}}
        )
    capacity = capacities([shopper.pk])[shopper.pk]
    if commitments.week_load.get((shopper.pk, window.week), 0) >= capacity:
        raise PlanningError(
            {
                "shopper": ngettext(
                    "has %(capacity)d planned visit in that week already (their weekly capacity).",
                    "has %(capacity)d planned visits in that week already (their weekly capacity).",
                    capacity,
                )
                % {"capacity": capacity}
            }
        )


@transaction.atomic
def assignment_adjust(
    *,
    assignment: Assignment,
    by: User,
    shopper: User | None,
    window_start: dt.date,
    window_end: dt.date,
    time_of_day: str,
    locked: bool,
) -> Assignment:
    """Head office changes a proposed assignment of a draft wave (and may lock it)."""
    _require_head_office(by)
    assignment = Assignment.objects.select_for_update().select_related("wave").get(pk=assignment.pk)
    wave = assignment.wave
    _ensure_draft(wave)
    if window_end < window_start:
        raise PlanningError({"window_end": _("must not be before the window's first day.")})
    if window_start < wave.starts_on or window_end > wave.ends_on:
        raise PlanningError({"window_start": _("the window must lie within the wave.")})
    closed = store_closures([assignment.store_id], window_start, window_end, language=get_language())
    if closed.get(assignment.store_id):
        closure = min(closed[assignment.store_id].values(), key=lambda item: item.day)
        raise PlanningError(
            {
                "window_start": _("the store is closed on %(day)s (%(why)s): choose days it is open.")
                % {"day": formats.date_format(closure.day, "SHORT_DATE_FORMAT"), "why": wording.closure_why(closure)}
            }
        )
    assignment.window_start, assignment.window_end = window_start, window_end
    assignment.day_type = planner.WEEKEND if window_start.weekday() >= 5 else planner.WEEKDAY
    assignment.time_of_day = time_of_day
    if shopper is not None:
        _shopper_may_go(assignment=assignment, shopper=shopper, lockout_days=wave.lockout_days)
    assignment.shopper = shopper
    assignment.status = AssignmentStatus.ASSIGNED if shopper else AssignmentStatus.OPEN
    assignment.locked = locked
    assignment.reason = {"code": "adjusted", "by": by.pk}
    assignment.save()
    return assignment


@transaction.atomic
def wave_publish(*, wave: Wave, by: User) -> Wave:
    """Shoppers see their assignments of the wave from now on."""
    _require_head_office(by)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    _ensure_draft(wave)
    if not wave.planned_at:
        raise PlanningError({"wave": _("plan the wave before publishing it.")})
    wave.status = WaveStatus.PUBLISHED
    wave.published_at = timezone.now()
    wave.save(update_fields=["status", "published_at"])
    return wave


@transaction.atomic
def assignment_decline(*, assignment: Assignment, shopper: User, reason: str) -> Assignment:
    """The shopper will not go: the decline is kept with its reason, the assignment is open again."""
    reason = reason.strip()
    if not reason:
        raise PlanningError({"reason": _("is required.")})
    if len(reason) > DECLINE_REASON_MAX_LENGTH:
        raise PlanningError({"reason": _("must be at most %(max)d characters.") % {"max": DECLINE_REASON_MAX_LENGTH}})
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.shopper_id != shopper.pk or locked.status not in (AssignmentStatus.ASSIGNED, AssignmentStatus.OVERDUE):
        raise PlanningError({"assignment": _("is not an open assignment of yours.")})
    AssignmentDecline.objects.create(assignment=locked, shopper=shopper, reason=reason)
    locked.shopper = None
    locked.status = AssignmentStatus.OPEN
    locked.locked = False
    locked.reason = {"code": "declined"}
    locked.save()
    return locked


@transaction.atomic
def assignment_take(*, assignment: Assignment, shopper: User) -> Assignment:
    """A shopper picks an open assignment from the board of a published wave."""
    locked = Assignment.objects.select_for_update().select_related("wave").get(pk=assignment.pk)
    if locked.status != AssignmentStatus.OPEN or not locked.wave.board_enabled or locked.wave.is_draft:
        raise PlanningError({"assignment": _("is not on the board any more.")})
    if AssignmentDecline.objects.filter(assignment=locked, shopper=shopper).exists():
        raise PlanningError({"assignment": _("was declined by you.")})
    _shopper_may_go(assignment=locked, shopper=shopper, lockout_days=locked.wave.lockout_days)
    locked.shopper = shopper
    locked.status = AssignmentStatus.ASSIGNED
    locked.reason = {"code": "taken_from_board"}
    locked.save()
    return locked


@transaction.atomic
def assignment_link_visit(*, assignment_id: int, visit: Visit) -> bool:
    """The visit was started from the assignment: the assignment is done, if it is still the
    observer's open assignment in the visit's store (a phone that was offline may name one that
    was declined or offered to someone else meanwhile: the visit then simply stays unlinked; a
    visit is never refused for its link). Safe to repeat (a replayed visit)."""
    if Assignment.objects.filter(visit=visit).exists():
        return False
    updated = Assignment.objects.filter(
        pk=assignment_id,
        wave__status=WaveStatus.PUBLISHED,
        shopper_id=visit.observer_id,
        store_id=visit.store_id,
        status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.OVERDUE],
        visit__isnull=True,
    ).update(status=AssignmentStatus.DONE, visit=visit, updated_at=timezone.now())
    return bool(updated)
