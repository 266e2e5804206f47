"""Who visits which store in which window: a deterministic planner on plain values.

The wave's days are cut into windows, per ISO week a weekday part (Monday..Friday) and a weekend
part (Saturday, Sunday), each clipped to the wave and, per store, to the days the store is open
(`open_windows`: no public holiday of its country and subdivision, no closed weekday, no company
closed day, see stores.calendar). A store's visits are spread evenly over the
weeks and, cycling through KINDS, over weekdays and weekends and over morning, midday and evening
(a store-specific rotation, so that not every store starts with a Monday morning).

Each planned visit then gets a shopper, most constrained stores first (fewest shoppers who may
record there): among the shoppers who may record for the store, are not locked out of it, and
have capacity left in that week, the one with the fewest planned visits that week, then overall,
then by a fixed pseudo-random order per store. Locked out means another visit or live assignment
of the same shopper in the same store less than `lockout_days` apart, measured from the end of the
earlier window to the start of the later one, so that the rule holds whichever days of the windows
the visits fall on. Every choice carries its reason (how many were eligible, locked out, at
capacity; the chosen one's load). The same inputs give the same plan, always.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

WEEKDAY, WEEKEND = "weekday", "weekend"
MORNING, MIDDAY, EVENING = "morning", "midday", "evening"
# Alternating weekday and weekend while cycling through the times of day: any six consecutive
# visits cover all six combinations, any two differ in both.
KINDS: tuple[tuple[str, str], ...] = (
    (WEEKDAY, MORNING),
    (WEEKEND, MIDDAY),
    (WEEKDAY, EVENING),
    (WEEKEND, MORNING),
    (WEEKDAY, MIDDAY),
    (WEEKEND, EVENING),
)


@dataclass(frozen=True)
class Window:
    week: dt.date  # Monday of the ISO week
    day_type: str
    start: dt.date
    end: dt.date


def windows(starts_on: dt.date, ends_on: dt.date) -> list[Window]:
    """The weekday and weekend parts of each ISO week of the range, clipped to it, in date order."""
    result = []
    monday = starts_on - dt.timedelta(days=starts_on.weekday())
    while monday <= ends_on:
        for day_type, first, last in ((WEEKDAY, 0, 4), (WEEKEND, 5, 6)):
            start = max(monday + dt.timedelta(days=first), starts_on)
            end = min(monday + dt.timedelta(days=last), ends_on)
            if start <= end:
                result.append(Window(monday, day_type, start, end))
        monday += dt.timedelta(weeks=1)
    return result


def open_windows(all_windows: list[Window], closed: Container[dt.date]) -> list[Window]:
    """A store's windows: each window cut to its longest run of days the store is open (the
    earliest of equally long runs), so that no window holds a public holiday or a closed day; a
    window without an open day is dropped (a weekend of a holiday Saturday and a closed Sunday)."""
    result = []
    for window in all_windows:
        best: tuple[dt.date, dt.date] | None = None
        run_start: dt.date | None = None
        day = window.start
        while day <= window.end + dt.timedelta(days=1):
            is_open = day <= window.end and day not in closed
            if is_open and run_start is None:
                run_start = day
            elif not is_open and run_start is not None:
                run_end = day - dt.timedelta(days=1)
                if best is None or (run_end - run_start) > (best[1] - best[0]):
                    best = (run_start, run_end)
                run_start = None
            day += dt.timedelta(days=1)
        if best is not None:
            result.append(Window(window.week, window.day_type, best[0], best[1]))
    return result


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Slot:
    """A planned visit before it has a shopper."""

    store_id: int
    window: Window
    time_of_day: str


def _stable(text: str) -> int:
    return zlib.crc32(text.encode())


def store_slots(
    *, store_id: int, store_code: str, count: int, all_windows: list[Window], taken: Iterable[tuple[str, str]] = ()
) -> list[Slot]:
    """`count` slots for one store, spread over weeks, weekdays/weekends and times of day.

    `taken` are the (day_type, time_of_day) kinds of the store's visits planned already (locked
    assignments): the new ones fill the kinds used least so far."""
    if count <= 0 or not all_windows:
        return []
    weeks = sorted({window.week for window in all_windows})
    by_week_type = {(window.week, window.day_type): window for window in all_windows}
    rotation = _stable(store_code) % len(KINDS)
    order = {kind: (position - rotation) % len(KINDS) for position, kind in enumerate(KINDS)}
    used: dict[tuple[str, str], int] = defaultdict(int)
    for kind in taken:
        used[kind] += 1
    slots = []
    for index in range(count):
        kind = min(KINDS, key=lambda k: (used[k], order[k]))
        used[kind] += 1
        day_type, time_of_day = kind
        # Evenly over the weeks: the middle of the index-th of `count` equal parts of the range.
        week_index = min(len(weeks) - 1, math.floor((index + 0.5) * len(weeks) / count))
        window = _nearest_window(weeks, week_index, day_type, by_week_type)
        slots.append(Slot(store_id, window, time_of_day))
    return slots


def _nearest_window(weeks: list[dt.date], index: int, day_type: str, by_week_type: Mapping) -> Window:
    """The window of that day type in that week, else in the nearest week that has one, else any."""
    for distance in range(len(weeks)):
        for candidate in (index - distance, index + distance):
            if 0 <= candidate < len(weeks) and (weeks[candidate], day_type) in by_week_type:
                return by_week_type[(weeks[candidate], day_type)]
    other = WEEKEND if day_type == WEEKDAY else WEEKDAY
    return _nearest_window(weeks, index, other, by_week_type)


@dataclass(frozen=True)
class Shopper:
    id: int
    key: str  # a stable name (the user name) for the tie-break order
    capacity: int  # planned visits per week
    store_ids: frozenset[int]


@dataclass(frozen=True)
class Proposal:
    store_id: int
    shopper_id: int | None
    window: Window
    time_of_day: str
    reason: dict


@dataclass
class Commitments:
    """What the shoppers have already: visits and live assignments (for the lockout) and planned
    visits per week (for the capacity), from earlier waves, unplanned visits and locked assignments."""

    # (shopper id, store id) -> [(first day, last day)] of their visits and assignments there
    periods: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = field(default_factory=lambda: defaultdict(list))
    # (shopper id, Monday) -> planned visits that week
    week_load: dict[tuple[int, dt.date], int] = field(default_factory=lambda: defaultdict(int))

    def add_period(self, shopper_id: int, store_id: int, start: dt.date, end: dt.date) -> None:
        self.periods[(shopper_id, store_id)].append((start, end))

    def add_load(self, shopper_id: int, week: dt.date, count: int = 1) -> None:
        self.week_load[(shopper_id, week)] += count


def locked_out(periods: Iterable[tuple[dt.date, dt.date]], window: Window, lockout_days: int) -> bool:
    """Is any period less than `lockout_days` away from the window (end of the earlier to start of the later)?"""
    for start, end in periods:
        if (window.start - end).days < lockout_days and (start - window.end).days < lockout_days:
            return True
    return False


def plan(
    *,
    slots: list[Slot],
    shoppers: list[Shopper],
    commitments: Commitments,
    lockout_days: int,
    store_codes: Mapping[int, str],
) -> list[Proposal]:
    """A shopper (or none, with the reason) for each slot; see the module text for the rules."""
    eligible: dict[int, list[Shopper]] = defaultdict(list)
    for shopper in sorted(shoppers, key=lambda s: s.key):
        for store_id in shopper.store_ids:
            eligible[store_id].append(shopper)
    total_load: dict[int, int] = defaultdict(int)
    for (shopper_id, _week), count in commitments.week_load.items():
        total_load[shopper_id] += count
    ordered = sorted(
        slots,
        key=lambda slot: (
            len(eligible[slot.store_id]),
            store_codes[slot.store_id],
            slot.window.start,
            slot.time_of_day,
        ),
    )
    proposals = []
    for slot in ordered:
        window = slot.window
        code = store_codes[slot.store_id]
        candidates = eligible[slot.store_id]
        free = []
        n_locked_out = n_full = 0
        for shopper in candidates:
            if locked_out(commitments.periods.get((shopper.id, slot.store_id), ()), window, lockout_days):
                n_locked_out += 1
            elif commitments.week_load.get((shopper.id, window.week), 0) >= shopper.capacity:
                n_full += 1
            else:
                free.append(shopper)
        counts = {"eligible": len(candidates), "locked_out": n_locked_out, "at_capacity": n_full}
        if not free:
            reason = {"code": "no_shopper" if not candidates else "none_free", **counts}
            proposals.append(Proposal(slot.store_id, None, window, slot.time_of_day, reason))
            continue
        chosen = min(
            free,
            key=lambda s: (
                commitments.week_load.get((s.id, window.week), 0),
                total_load[s.id],
                _stable(f"{code}:{s.key}"),
                s.key,
            ),
        )
        week_load = commitments.week_load.get((chosen.id, window.week), 0)
        earlier = [end for _start, end in commitments.periods.get((chosen.id, slot.store_id), ()) if end < window.start]
        reason = {
            "code": "chosen",
            **counts,
            "free": len(free),
            "week_load": week_load,
            "capacity": chosen.capacity,
            "total_load": total_load[chosen.id],
            "last_there": max(earlier).isoformat() if earlier else None,
        }
        commitments.add_period(chosen.id, slot.store_id, window.start, window.end)
        commitments.add_load(chosen.id, window.week)
        total_load[chosen.id] += 1
        proposals.append(Proposal(slot.store_id, chosen.id, window, slot.time_of_day, reason))
    return proposals
