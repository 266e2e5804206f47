"""Reads of planning: what the planner needs to know (the wave's stores, the history of visit
scores that sizes a wave, the shoppers who may go and their capacity, what they have committed to,
what is done), each as one query or a few. Writes are in `planning.services`."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from observations.models import ObserverRole, Visit
from stores.calendar import Closure, OpeningCalendar
from stores.models import ClosedDay, Store
from stores.selectors import shoppers_observing

from . import needed, planner
from .models import (
    LIVE_STATUSES,
    Assignment,
    ShopperCapacity,
    Wave,
)


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the first day's midnight to the midnight after the last day, in the company's time zone."""
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


# A wave's days, with its lockout and history around them, stay far inside the calendar's range
# (9999-12-31 was accepted, and planning it then overflowed the date).


def wave_store_ids(wave: Wave) -> list[int]:
    """The active stores of the wave's regions and its single stores."""
    chosen = Q(region__in=wave.regions.all()) | Q(pk__in=wave.chosen_stores.all())
    return list(Store.objects.filter(chosen, is_active=True).order_by("code").values_list("pk", flat=True))


def _samples(visits, key: str) -> dict:
    rows = (
        visits.exclude(soi__isnull=True)
        .values(key)
        .annotate(n=Count("pk"), total=Sum("soi"), squares=Sum(Cast(F("soi") * F("soi"), FloatField())))
        .order_by()
    )
    return {row[key]: needed.Sample(row["n"], row["total"] or 0.0, row["squares"] or 0.0) for row in rows}


def history_samples(*, starts_on: dt.date, weeks: int) -> tuple[dict, dict, needed.Pooled]:
    """Visit SOIs of the `weeks` before the wave, of the visit type waves plan (mystery-shopper
    visits): per store, and the within-store spread pooled per region and for the company."""
    since, until = day_bounds(starts_on - dt.timedelta(weeks=weeks), starts_on - dt.timedelta(days=1))
    visits = Visit.objects.counted().filter(
        started_at__gte=since, started_at__lt=until, observer_role=ObserverRole.SHOPPER
    )
    by_store = _samples(visits, "store_id")
    region_of = dict(Store.objects.filter(pk__in=list(by_store)).values_list("pk", "region_id"))
    per_region: dict[int, list[needed.Sample]] = {}
    for store_id, sample in by_store.items():
        per_region.setdefault(region_of[store_id], []).append(sample)
    by_region = {region_id: needed.pooled_within(samples) for region_id, samples in per_region.items()}
    return by_store, by_region, needed.pooled_within(by_store.values())


def capacities(shopper_ids: Iterable[int]) -> dict[int, int]:
    default = settings.OASIS_PLANNING_WEEKLY_CAPACITY
    own = dict(
        ShopperCapacity.objects.filter(shopper_id__in=list(shopper_ids)).values_list("shopper_id", "visits_per_week")
    )
    return defaultdict(lambda: default, own)


def shoppers_for(store_ids: list[int]) -> list[planner.Shopper]:
    """The shoppers who may visit these stores (`shoppers_observing` decides), with their capacity."""
    observing = shoppers_observing(store_ids)
    capacity = capacities(shopper.id for shopper in observing)
    return [
        planner.Shopper(id=shopper.id, key=shopper.username, capacity=capacity[shopper.id], store_ids=shopper.store_ids)
        for shopper in observing
    ]


def commitments_for(
    *, wave: Wave, shopper_ids: list[int], store_ids: list[int], exclude_ids: Iterable[int] = ()
) -> planner.Commitments:
    """Visits and live assignments that lock shoppers out of stores or fill their weeks."""
    commitments = planner.Commitments()
    lockout = dt.timedelta(days=wave.lockout_days)
    first, last = wave.starts_on - lockout, wave.ends_on + lockout
    since, until = day_bounds(first, last)
    visits = Visit.objects.filter(
        observer_id__in=shopper_ids, store_id__in=store_ids, started_at__gte=since, started_at__lt=until
    ).values_list("observer_id", "store_id", "started_at", "store__timezone")
    for shopper_id, store_id, started_at, zone in visits:
        day = started_at.astimezone(zoneinfo.ZoneInfo(zone)).date()  # the store's day
        commitments.add_period(shopper_id, store_id, day, day)
    assignments = (
        Assignment.objects.filter(
            shopper_id__in=shopper_ids,
            status__in=LIVE_STATUSES,
            window_end__gte=first,
            window_start__lte=last,
        )
        .exclude(pk__in=list(exclude_ids))
        .values_list("shopper_id", "store_id", "window_start", "window_end", "visit_id")
    )
    for shopper_id, store_id, start, end, visit_id in assignments:
        if visit_id is None:  # a done assignment's visit is counted above already
            commitments.add_period(shopper_id, store_id, start, end)
        commitments.add_load(shopper_id, planner.week_of(start))
    return commitments


def on_store_days(visits: QuerySet[Visit], first: dt.date, last: dt.date, *fields: str) -> list[tuple]:
    """`fields` of the visits that started on a day from `first` to `last` in their store's own time
    zone: a wave's days are each store's days (a visit at 20:00 in New York on the wave's last day
    is in the wave, though it is the next day in the company's time zone). One query."""
    # every time zone is within a day of the company's, so these bounds hold each store's days
    since, until = day_bounds(first - dt.timedelta(days=1), last + dt.timedelta(days=1))
    rows = visits.filter(started_at__gte=since, started_at__lt=until).values_list(
        "started_at", "store__timezone", *fields
    )
    return [
        tuple(values)
        for started_at, zone, *values in rows
        if first <= started_at.astimezone(zoneinfo.ZoneInfo(zone)).date() <= last
    ]


def done_in_wave(wave: Wave, store_ids: list[int]) -> dict[int, int]:
    """Counted visits in each store during the wave (its days in the store's time zone), whoever
    made them (supervisors' count too)."""
    counted = Visit.objects.counted().filter(store_id__in=store_ids)
    return dict(Counter(store_id for (store_id,) in on_store_days(counted, wave.starts_on, wave.ends_on, "store_id")))


def store_closures(
    store_ids: Iterable[int], first: dt.date, last: dt.date, *, language: str | None = None
) -> dict[int, dict[dt.date, Closure]]:
    """The days from `first` to `last` each store is closed and why (public holidays of its country
    and subdivision, the company's closed days, its closed weekdays; stores.calendar), holiday names
    in `language` where the holiday calendar has it. Two queries; each distinct calendar is worked
    out once, however many stores share it."""
    company = dict(ClosedDay.objects.filter(day__gte=first, day__lte=last).values_list("day", "name"))
    rows = Store.objects.filter(pk__in=list(store_ids)).values_list("pk", "country", "subdivision", "closed_weekdays")
    by_calendar: dict[OpeningCalendar, dict[dt.date, Closure]] = {}
    result = {}
    for store_id, country, subdivision, weekdays in rows:
        calendar = OpeningCalendar.of(_CalendarRow(country=country, subdivision=subdivision, closed_weekdays=weekdays))
        if calendar not in by_calendar:
            by_calendar[calendar] = calendar.closures(first, last, company=company, language=language)
        result[store_id] = by_calendar[calendar]
    return result


@dataclass(frozen=True)
class _CalendarRow:
    country: str
    subdivision: str
    closed_weekdays: str
