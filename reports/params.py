"""Report parameters from a query string: the period, which visits count, the sort order.

Raise `ReportParamError` naming the parameter and the rule; views turn it into a 400.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext as _

from stores.models import Store

from .figures import SORT_KEYS
from .periods import Period, last_complete_week, monday_of
from .publication import latest_published_week

MAX_PERIOD_WEEKS = 104
# Reports cover the years the service can have data for. The ends of the calendar (years 1 and
# 9999) overflowed in time-zone arithmetic and in the weeks before and after a period.
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_CODE_LENGTH = 50


class ReportParamError(ValueError):
    """A query parameter breaks a rule; `field` names the parameter, `message` the rule."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_week(value: str, param: str = "week") -> dt.date:
    """`2026-W47` -> the Monday of that ISO week."""
    match = _ISO_WEEK.match(value.strip())
    if not match:
        raise ReportParamError(param, _("must be an ISO week like 2026-W47."))
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ReportParamError(
            param, _("%(value)s is not a week of that year (weeks run 01 to 52 or 53).") % {"value": value}
        ) from None
    return _within_years(monday, value, param)


def _within_years(monday: dt.date, value: str, param: str) -> dt.date:
    if not MIN_YEAR <= monday.year <= MAX_YEAR:
        raise ReportParamError(
            param,
            _("%(value)s is outside the years %(first)d to %(last)d.")
            % {"value": value, "first": MIN_YEAR, "last": MAX_YEAR},
        )
    return monday


def parse_week_or_date(value: str, param: str) -> dt.date:
    """An ISO week (`2026-W47`) or a date (`2026-11-18`, meaning its week) -> that week's Monday."""
    value = value.strip()
    if _ISO_WEEK.match(value):
        return parse_week(value, param)
    if _ISO_DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ReportParamError(param, _("%(value)s is not a calendar date.") % {"value": value}) from None
        return _within_years(monday_of(day), value, param)
    raise ReportParamError(param, _("must be an ISO week like 2026-W47 or a date like 2026-11-18."))


def parse_period(query: Mapping[str, str], now: dt.datetime | None = None) -> Period:
    """`week=2026-W47`, or `from=...&to=...` (weeks or dates, whole weeks), or the last complete week."""
    week, first, last = query.get("week"), query.get("from"), query.get("to")
    if week and (first or last):
        raise ReportParamError("week", _("give either week or from/to, not both."))
    if week:
        monday = parse_week(week)
        return Period(monday, monday)
    if first or last:
        if not (first and last):
            raise ReportParamError("from" if not first else "to", _("from and to must be given together."))
        start, end = parse_week_or_date(first, "from"), parse_week_or_date(last, "to")
        if end < start:
            raise ReportParamError("to", _("must not be before from."))
        period = Period(start, end)
        if len(period.weeks) > MAX_PERIOD_WEEKS:
            raise ReportParamError("to", _("a period spans at most %(weeks)d weeks.") % {"weeks": MAX_PERIOD_WEEKS})
        return period
    monday = last_complete_week(now)
    return Period(monday, monday)


def parse_approved_only(query: Mapping[str, str], *, may_choose: bool) -> bool:
    """The setting decides; head office may override it with `approved_only=true|false`."""
    value = query.get("approved_only")
    if value is None or value == "":
        return settings.OASIS_REPORTS_APPROVED_ONLY
    if not may_choose:
        raise ReportParamError("approved_only", _("only head office may choose which visits count."))
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ReportParamError("approved_only", _("must be true or false."))


def parse_sort(query: Mapping[str, str]) -> tuple[str, bool]:
    """`sort=soi` ascending, `sort=-soi` descending; default: by rank."""
    value = (query.get("sort") or "rank").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORT_KEYS:
        raise ReportParamError(
            "sort", _("must be one of %(keys)s (prefix - for descending).") % {"keys": ", ".join(SORT_KEYS)}
        )
    return key, descending


def parse_code(value: str | None, param: str) -> str | None:
    """A store or region code from the query string: printable text of sensible length (a NUL
    byte reached PostgreSQL, which refuses it with an error, as a 500)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_CODE_LENGTH or not value.isprintable():
        raise ReportParamError(
            param, _("is not a code (printable text of at most %(max)d characters).") % {"max": MAX_CODE_LENGTH}
        )
    return value


def store_report_week(query: Mapping[str, str], store: Store, now: dt.datetime | None = None) -> dt.date:
    """The week of a store report: `week=2026-W47`, or the store's latest published week."""
    if query.get("from") or query.get("to"):
        raise ReportParamError("week", _("the store report covers one week; use week, not from/to."))
    if query.get("week"):
        return parse_week(query["week"])
    return latest_published_week(store.tzinfo, now)


MAX_PAGE = 1_000_000


def parse_page(query: Mapping[str, str]) -> int:
    """`page=3`: a page of the branch comparison (from 1; past the last page, the last page)."""
    value = (query.get("page") or "1").strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise ReportParamError("page", _("must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE})
    return int(value)
