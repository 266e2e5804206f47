"""What the planning pages say about a number: why a store needs its visits, why a shopper was
chosen, why a store is at risk. German and English through gettext."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
