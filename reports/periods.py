"""Report periods: whole ISO weeks, their labels, and the default week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

TREND_WEEKS = 12


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_label(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(now: dt.datetime | None = None) -> dt.date:
    """The default report week: the last full Monday..Sunday week in the company's time zone."""
    today = timezone.localtime(now or timezone.now()).date()
    return monday_of(today) - dt.timedelta(weeks=1)


def trend_weeks(last: dt.date) -> list[dt.date]:
    """The weeks of a trend ending with the week starting `last`, oldest first."""
    return [last - dt.timedelta(weeks=i) for i in range(TREND_WEEKS - 1, -1, -1)]


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks, from the week starting `first` to the week starting `last` (Mondays)."""

    first: dt.date
    last: dt.date

    @property
    def weeks(self) -> list[dt.date]:
        return [self.first + dt.timedelta(weeks=i) for i in range((self.last - self.first).days // 7 + 1)]

    @property
    def is_single_week(self) -> bool:
        return self.first == self.last

    @property
    def end(self) -> dt.date:
        """The Sunday that ends the period."""
        return self.last + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        if self.is_single_week:
            return week_label(self.first)
        return f"{week_label(self.first)}/{week_label(self.last)}"
