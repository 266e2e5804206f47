"""Published weeks: what a store's managers read of a week is copied when the week is published, and
changes for them only at the store's next publication.

Head office and supervisors read the live rollups, which follow every submission, review and
correction at once. A manager's report of a published week reads `PublishedStoreWeek` (its own
figures, notes and the visits' scores behind its calls) and `PublishedRegionWeek` (the region and
company comparison, and the ranks, from every store's published rows): the one answer to "what a
manager sees of week W at time t". A visit of a published week submitted late, a review decision or
a correction taken after publication changes the live figures only; at the store's next weekly
publication the week is copied again and marked revised on that publication's day (`revised_on`).

The copies are made by workers, never on a request: beat looks every few minutes for stores whose
next week is due (`publications_due`) and records the work in the outbox, whose handler copies
(`publish`). A week is read as published once its copy exists; until the copy is made (the minutes
between the publication moment and the worker, or weeks published before copies existed) a
manager's report reads the live rollups, as before.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from observations.models import Interaction, RollupScope, Visit
from stores.models import Region, Store

from . import standings
from .models import PublishedRegionWeek, PublishedStoreWeek, StorePublication, StoreWeekRollup, StoreWeekStanding
from .notes import manager_note_texts
from .publication import latest_published_week, published_at
from .samples import visit_scores_by_week
from .totals import LIST_FIELDS, MAX_FIELDS, ROLLUP_FIELDS, SUM_FIELDS, Totals, merge_by_week_and_scope

# Changes recorded up to this long before the last copy are looked at again at the next one: a
# change committed just after the copy read the week, or whose rollup refresh a worker had not yet
# done, is then still found (looking again at an unchanged week changes nothing).
LOOK_BACK = dt.timedelta(hours=1)

ZERO = Totals()


def publications_due(now: dt.datetime | None = None) -> list[tuple[int, dt.date]]:
    """(store, week) for every open store whose latest published week has not been copied yet: one
    query per time zone, returning only the stores due."""
    now = now or timezone.now()
    due = []
    zones = Store.objects.filter(is_active=True).order_by().values_list("timezone", flat=True).distinct()
    for zone in sorted(set(zones)):
        week = latest_published_week(zoneinfo.ZoneInfo(zone), now)
        stores = Store.objects.filter(is_active=True, timezone=zone).filter(
            Q(publication__isnull=True) | Q(publication__week_start__lt=week)
        )
        due += [(store_id, week) for store_id in stores.order_by("pk").values_list("pk", flat=True)]
    return due


def publish(store_weeks: Iterable[tuple[int, dt.date]], now: dt.datetime | None = None) -> int:
    """Copy the published weeks of each store up to its `week` (newly published weeks, and earlier
    ones changed since the last copy), mark the earlier ones that changed as revised, and bring
    the region-weeks of the copied rows in line. Safe to run twice. Returns the rows written."""
    now = now or timezone.now()
    wanted: dict[int, dt.date] = {}
    for store_id, week in store_weeks:
        wanted[store_id] = max(week, wanted.get(store_id, week))
    if not wanted:
        return 0
    # The league's constant and rank intervals of recent weeks brought up to date first (nothing
    # to do unless visits changed since the beat's last refresh): they are copied with the weeks.
    standings.refresh_stale(now=now)
    with transaction.atomic():
        # One publication of a store at a time (the store rows in order of id, as rollup refreshes
        # lock them: a refresh of the store's weeks under way is waited for, and read once done).
        stores = {
            store.pk: store
            for store in Store.objects.select_for_update(no_key=True).filter(pk__in=wanted).order_by("pk")
        }
        done = dict(StorePublication.objects.filter(store__in=stores).values_list("store_id", "week_start"))
        since = dict(StorePublication.objects.filter(store__in=stores).values_list("store_id", "published_at"))
        todo = {pk: week for pk, week in wanted.items() if pk in stores and done.get(pk, dt.date.min) < week}
        if not todo:
            return 0
        candidates, new = _candidates(todo, done, since)
        written = _copy(stores, todo, candidates, new, now)
        _follow_regions({(stores[store_id].region_id, week) for store_id, week in written})
        for store_id, week in todo.items():
            StorePublication.objects.update_or_create(
                store_id=store_id, defaults={"week_start": week, "published_at": now}
            )
        return len(written)


def _candidates(
    todo: dict[int, dt.date], done: dict[int, dt.date], since: dict[int, dt.datetime]
) -> tuple[set[tuple[int, dt.date]], set[tuple[int, dt.date]]]:
    """The store-weeks to copy: the newly published ones (every week of a store copied for the first
    time that has live rows), and the earlier ones with a change to their visits or interactions
    since the last copy (the audit trail records every submission, review and correction)."""
    new: set[tuple[int, dt.date]] = set()
    first = [store_id for store_id in todo if store_id not in done]
    for store_id, week in StoreWeekRollup.objects.filter(store__in=first).values_list("store_id", "week_start"):
        if week <= todo[store_id]:
            new.add((store_id, week))
    for store_id, week in todo.items():
        monday = done.get(store_id, week - dt.timedelta(weeks=1)) + dt.timedelta(weeks=1)
        while monday <= week:
            new.add((store_id, monday))
            monday += dt.timedelta(weeks=1)
    changed: set[tuple[int, dt.date]] = set()
    again = [store_id for store_id in todo if store_id in done]
    if again:
        after = min(since[store_id] for store_id in again) - LOOK_BACK
        visits = Visit.history.filter(store_id__in=again, history_date__gte=after).values_list(
            "store_id", "week_start", "history_date"
        )
        touched = Interaction.history.filter(history_date__gte=after).values("visit_id")
        interactions = Visit.objects.filter(store__in=again, pk__in=touched).values_list("store_id", "week_start")
        for store_id, week, at in visits:
            if at >= since[store_id] - LOOK_BACK and week <= done[store_id]:
                changed.add((store_id, week))
        for store_id, week in interactions:  # a note edited (rare): its week is looked at again
            if week <= done[store_id]:
                changed.add((store_id, week))
    return new | changed, new


def _content(totals: Totals, notes: list[str], scores: dict) -> dict:
    """A published row's content: the rollup's fields, the notes, the scores (sorted: their order
    says nothing and must not make a week look changed)."""
    values = totals.as_fields()
    return {
        **{name: values[name] for name in ROLLUP_FIELDS},
        "notes": list(notes),
        "visit_scores": {
            name: sorted(list(value) if isinstance(value, (list, tuple)) else value for value in values)
            for name, values in sorted(scores.items())
        },
    }


def _same(row: PublishedStoreWeek, content: dict) -> bool:
    """Whether a published row already says what `content` says (sums equal up to the order of
    floating point additions: a recomputation adds in another order than the submissions did)."""
    for name in SUM_FIELDS:
        if not math.isclose(getattr(row, name), content[name], rel_tol=1e-9, abs_tol=1e-6):
            return False
    if any(getattr(row, name) != content[name] for name in MAX_FIELDS):
        return False
    if any(sorted(getattr(row, name)) != sorted(content[name]) for name in LIST_FIELDS):
        return False
    return row.notes == content["notes"] and _scores_close(row.visit_scores, content["visit_scores"])


def _scores_close(mine: dict, theirs: dict) -> bool:
    if set(mine) != set(theirs):
        return False
    for name, values in mine.items():
        other = theirs[name]
        if len(values) != len(other):
            return False
        for a, b in zip(values, other, strict=True):
            if isinstance(a, list):
                if list(a) != list(b):
                    return False
            elif not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                return False
    return True


def _copy(
    stores: dict[int, Store],
    todo: dict[int, dt.date],
    candidates: set[tuple[int, dt.date]],
    new: set[tuple[int, dt.date]],
    now: dt.datetime,
) -> set[tuple[int, dt.date]]:
    """Write the candidates' published rows where they differ from what managers read; returns
    the store-weeks written."""
    if not candidates:
        return set()
    store_ids = sorted({store_id for store_id, _week in candidates})
    weeks = sorted({week for _store, week in candidates})
    live = {
        (row.store_id, row.week_start, row.scope): Totals.of(row)
        for row in StoreWeekRollup.objects.filter(store__in=store_ids, week_start__in=weeks)
    }
    stored = {
        (row.store_id, row.week_start, row.scope): row
        for row in PublishedStoreWeek.objects.filter(store__in=store_ids, week_start__in=weeks)
    }
    notes = manager_note_texts(store_ids=store_ids, weeks=weeks)
    scores = {
        scope: visit_scores_by_week(stores=store_ids, weeks=weeks, approved_only=scope == RollupScope.APPROVED)
        for scope in RollupScope.values
    }
    intervals = {
        (store_id, week, scope): (low, high)
        for store_id, week, scope, low, high in StoreWeekStanding.objects.filter(
            store__in=store_ids, week_start__in=weeks
        ).values_list("store_id", "week_start", "scope", "rank_low", "rank_high")
    }
    shrinkage = {
        (scope, week): standings.shrinkage_of(scope=scope, week_start=week)
        for scope in RollupScope.values
        for week in sorted({week for _store, week in candidates})
    }
    written: set[tuple[int, dt.date]] = set()
    creating, updating = [], []
    for store_id, week in sorted(candidates):
        store = stores[store_id]
        is_new = (store_id, week) in new
        # the day of the publication that brings the change, in the store's time zone
        revised = None if is_new else _publication_day(store, todo[store_id])
        for scope in RollupScope.values:
            key = (store_id, week, scope)
            content = _content(
                live.get(key, ZERO), notes.get((store_id, week), []), scores[scope].get((store_id, week), {})
            )
            # as the league stood when the content is copied (never what makes a week revised)
            standing = {"shrinkage": shrinkage[(scope, week)], "rank_low": None, "rank_high": None}
            standing["rank_low"], standing["rank_high"] = intervals.get(key, (None, None))
            row = stored.get(key)
            if row is None:
                if not is_new and key not in live and not content["notes"]:
                    continue  # never published with visits and still without: nothing changed for managers
                creating.append(
                    PublishedStoreWeek(
                        store_id=store_id,
                        week_start=week,
                        scope=scope,
                        first_published_at=now,
                        revised_on=revised,
                        **content,
                        **standing,
                    )
                )
            elif _same(row, content):
                continue
            else:
                for name, value in (content | standing).items():
                    setattr(row, name, value)
                row.revised_on = revised or row.revised_on
                updating.append(row)
            written.add((store_id, week))
    PublishedStoreWeek.objects.bulk_create(creating)
    PublishedStoreWeek.objects.bulk_update(
        updating, [*ROLLUP_FIELDS, "notes", "visit_scores", "revised_on", "shrinkage", "rank_low", "rank_high"]
    )
    return written


def _publication_day(store: Store, week: dt.date) -> dt.date:
    """The day `week` is published in the store's time zone (its Monday, even when the copy is made later)."""
    return published_at(week, store.tzinfo).date()


def _follow_regions(region_weeks: set[tuple[int, dt.date]]) -> None:
    """Recompute the published region-weeks from their stores' published rows (regions locked in
    order of id, after the stores, as rollup refreshes lock them)."""
    if not region_weeks:
        return
    by_region: dict[int, set[dt.date]] = defaultdict(set)
    for region_id, week in region_weeks:
        by_region[region_id].add(week)
    list(Region.objects.select_for_update(no_key=True).filter(pk__in=by_region).order_by("pk").values_list("pk"))
    for region_id, weeks in sorted(by_region.items()):
        PublishedRegionWeek.objects.filter(region_id=region_id, week_start__in=weeks).delete()
        rows = PublishedStoreWeek.objects.filter(store__region_id=region_id, week_start__in=weeks).values(
            "week_start", "scope", *ROLLUP_FIELDS
        )
        PublishedRegionWeek.objects.bulk_create(
            PublishedRegionWeek(region_id=region_id, week_start=week, scope=scope, **totals.as_counted_fields())
            for (week, scope), totals in sorted(merge_by_week_and_scope(rows).items())
        )
