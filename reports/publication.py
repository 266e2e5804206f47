"""When a week reaches store managers, and who sees what of a report.

A store's week is published `OASIS_PUBLISH_DELAY_HOURS` after it ends in the store's time zone
(default 6: Monday 06:00 store-local). Until then store managers get nothing of it: live counts
would time a mystery shopper's visit. Supervisors and head office see the week in progress,
marked as such.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo

from django.conf import settings
from django.utils import timezone

from stores.models import Role, Store, User

from .periods import monday_of


class WeekNotPublished(Exception):
    """A store manager asked for a week that is not published yet (views answer 404)."""


class Audience(enum.Enum):
    """Whom a report is for. Managers: published weeks only, reviewed notes only, no date finer
    than the week. Staff (supervisors, head office): every week, the live one marked, every note."""

    MANAGER = "manager"
    STAFF = "staff"

    @classmethod
    def of(cls, user: User) -> Audience:
        return cls.STAFF if user.role in (Role.SUPERVISOR, Role.HEAD_OFFICE) else cls.MANAGER


def published_at(week_start: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The moment the week starting `week_start` is published in time zone `tz`."""
    week_end = dt.datetime.combine(week_start + dt.timedelta(weeks=1), dt.time(0), tzinfo=tz)
    # Wall-clock arithmetic within tz: "Monday 06:00" stays 06:00 across a DST change.
    return week_end + dt.timedelta(hours=settings.OASIS_PUBLISH_DELAY_HOURS)


def published_everywhere_at(week_start: dt.date) -> dt.datetime:
    """When the week is published in every time zone the company has open stores in. Region and
    company figures of a week reach managers only then: before, they would count the live week of
    stores further west, and move as their visits arrive."""
    zones = Store.objects.filter(is_active=True).values_list("timezone", flat=True).distinct()
    fallback = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return max(
        (published_at(week_start, zoneinfo.ZoneInfo(zone)) for zone in zones),
        default=published_at(week_start, fallback),
    )


def is_published(week_start: dt.date, tz: zoneinfo.ZoneInfo, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= published_at(week_start, tz)


def latest_published_week(tz: zoneinfo.ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    """The most recent week that is published in `tz`: the default week of a store's report."""
    now = now or timezone.now()
    week = monday_of(now.astimezone(tz).date())
    while not is_published(week, tz, now):
        week -= dt.timedelta(weeks=1)
    return week
