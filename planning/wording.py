"""What the planning pages say about a number: why a store needs its visits, why a shopper was
chosen, why a store is at risk. German and English through gettext."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stores.calendar import COMPANY, HOLIDAY, Closure

from .models import WaveStore


def spread_source(row: WaveStore) -> str:
    if row.store_n >= 2:
        return ngettext(
            "from the store's %(n)d visit of recent weeks, shrunk towards region and company",
            "from the store's %(n)d visits of recent weeks, shrunk towards region and company",
            row.store_n,
        ) % {"n": row.store_n}
    if row.region_n >= 2:
        return _("from the region (%(n)d visits), shrunk towards the company: the store has too little history") % {
            "n": row.region_n
        }
    if row.company_n >= 2:
        return _("from the company (%(n)d visits): store and region have too little history") % {"n": row.company_n}
    return _("assumed (no history anywhere)")


def need_why(row: WaveStore) -> str:
    if row.reason == "fixed":
        return _("fixed number of visits for the wave")
    if row.reason == "minimum":
        return _("the target needs %(n)d; raised to the wave's minimum") % {"n": row.would_need}
    if row.reason == "maximum":
        return _("the target needs %(n)d; capped at the wave's maximum") % {"n": row.would_need}
    return _("the fewest visits whose confidence interval (95%) is within the target with 90 % assurance")


def chosen_why(reason: dict) -> str:
    code = reason.get("code")
    if code == "chosen":
        text = (
            _(
                "may record here; %(free)d of %(eligible)d shoppers free (%(locked_out)d locked out, "
                "%(at_capacity)d at capacity); fewest visits that week (%(week_load)d of %(capacity)d)"
            )
            % reason
        )
        if reason.get("last_there"):
            text += "; " + _("last here: %(day)s") % {"day": reason["last_there"]}
        return text
    if code == "none_free":
        return (
            _("no shopper free: %(eligible)d may record here, %(locked_out)d locked out, %(at_capacity)d at capacity")
            % reason
        )
    if code == "no_shopper":
        return _("no shopper may record for this store")
    if code == "adjusted":
        return _("set by head office")
    if code == "declined":
        return _("declined; to be offered again")
    if code == "taken_from_board":
        return _("taken from the board")
    if code == "reoffered":
        return _("offered again after a decline or a missed window")
    return ""


def risk_label(code: str) -> str:
    return {
        "short": _("fewer visits done and to come than needed"),
        "overdue": _("a window passed without a visit"),
        "unassigned": _("an assignment has no shopper"),
        "imprecise": _("expected precision misses the target"),
    }.get(code, code)


def closure_why(closure: Closure) -> str:
    """Why a store is closed on a day: the holiday's name, the company's reason, or its weekday."""
    if closure.kind in (HOLIDAY, COMPANY):
        return closure.name
    return _("closed on %(weekday)s") % {"weekday": WEEKDAYS[closure.day.weekday()]}


def skipped_days(closures: Mapping[dt.date, Closure]) -> list[str]:
    """The days a store is not planned, as the wave page lists them: its closed weekdays once with
    how many days they are, then each holiday and company closed day ("25.12. Christmas Day")."""
    weekly: dict[int, int] = {}
    items = []
    for day in sorted(closures):
        closure = closures[day]
        if closure.kind in (HOLIDAY, COMPANY):
            items.append(f"{formats.date_format(day, 'd.m.')} {closure.name}")
        else:
            weekly[day.weekday()] = weekly.get(day.weekday(), 0) + 1
    if weekly:
        n = sum(weekly.values())
        names = ", ".join(str(WEEKDAYS[weekday]) for weekday in sorted(weekly))
        items.insert(
            0,
            ngettext("closed every %(weekdays)s (%(n)d day)", "closed every %(weekdays)s (%(n)d days)", n)
            % {"weekdays": names, "n": n},
        )
    return items


def staffing_lines(staffing: Mapping) -> list[str]:
    """Why visits of a wave have no shopper and what would staff them (planning.staffing.explain's
    numbers), sentence by sentence; [] when every visit has a shopper."""
    if not staffing or not staffing.get("missing"):
        return []
    missing, total = staffing["missing"], staffing["total"]
    lines = [
        ngettext(
            "%(missing)d of %(total)d visits has no shopper.",
            "%(missing)d of %(total)d visits have no shopper.",
            missing,
        )
        % {"missing": missing, "total": total}
    ]
    for store in staffing.get("stores", []):
        values = {**store, "days": staffing["lockout_days"]}
        if store["closed"]:
            lines.append(
                ngettext(
                    "%(name)s is closed on every day of the wave: %(missing)d visit is not planned.",
                    "%(name)s is closed on every day of the wave: %(missing)d visits are not planned.",
                    store["missing"],
                )
                % values
            )
        elif not store["eligible"]:
            lines.append(
                _("%(name)s: %(missing)d of %(visits)d visits without a shopper: no shopper may record there.") % values
            )
        else:
            lines.append(
                ngettext(
                    "%(name)s: %(missing)d of %(visits)d visits without a shopper: %(eligible)d shopper may "
                    "record there; %(locked_out)d within the %(days)d-day lockout, %(at_capacity)d at their "
                    "weekly capacity.",
                    "%(name)s: %(missing)d of %(visits)d visits without a shopper: %(eligible)d shoppers may "
                    "record there; up to %(locked_out)d of them within the %(days)d-day lockout, "
                    "%(at_capacity)d at their weekly capacity.",
                    store["eligible"],
                )
                % values
            )
    if staffing.get("more_stores"):
        lines.append(
            ngettext("… and %(n)d more store.", "… and %(n)d more stores.", staffing["more_stores"])
            % {"n": staffing["more_stores"]}
        )
    return lines


def staffing_help(staffing: Mapping) -> list[str]:
    """What would staff the visits left without a shopper, each with the number it would staff."""
    if not staffing or not staffing.get("missing"):
        return []
    lines = []
    lockouts = staffing.get("lockout") or []
    # the mildest change that helps, and the one that helps most (or staffs all)
    for lockout in lockouts[:1] + lockouts[1:][-1:]:
        if lockout["all"]:
            lines.append(
                _("A lockout of %(days)d days instead of %(now)d would staff all of them (%(more)d more).")
                % {**lockout, "now": staffing["lockout_days"]}
            )
        else:
            lines.append(
                _("A lockout of %(days)d days instead of %(now)d would staff %(more)d more.")
                % {**lockout, "now": staffing["lockout_days"]}
            )
    for option in staffing.get("shoppers", []):
        if option["all"]:
            text = ngettext(
                "%(count)d more shopper in %(region)s (%(capacity)d visits a week) would staff all visits there "
                "(%(more)d more).",
                "%(count)d more shoppers in %(region)s (%(capacity)d visits a week each) would staff all visits "
                "there (%(more)d more).",
                option["count"],
            )
        else:
            text = ngettext(
                "%(count)d more shopper in %(region)s (%(capacity)d visits a week) would staff %(more)d more.",
                "%(count)d more shoppers in %(region)s (%(capacity)d visits a week each) would staff %(more)d more.",
                option["count"],
            )
        lines.append(text % option)
    window = staffing.get("window")
    if window:
        values = {
            **window,
            "now": staffing["days"],
            "end": formats.date_format(dt.date.fromisoformat(window["ends_on"]), "SHORT_DATE_FORMAT"),
        }
        if window["all"]:
            lines.append(
                _("A wave of %(days)d days instead of %(now)d (until %(end)s) would staff all of them.") % values
            )
        else:
            lines.append(
                _("A wave of %(days)d days instead of %(now)d (until %(end)s) would staff %(more)d more.") % values
            )
    if not lines:
        lines.append(_("Neither a shorter lockout, more shoppers nor a longer wave would staff them."))
    return lines
