"""What a store manager reads of a report's figures, decided here for every output that reaches
them: the store report page (English and German) and its PDF, the report's JSON and CSV, the weekly
e-mail and the evidence of "what to work on" (coaching). Supervisors and head office read every
figure as it is (`StaffView`); `view_for(audience)` is the only place that tells the two apart.

A store manager must be able to count nothing of the mystery shopper: not their visits, not the
staff contacts of a visit, not a contact's stopwatch time. The number of visits is the manager's to
read. What tells a shopper's visit (1-3 staff contacts) from a supervisor's walk (10-24) is the
number of contacts, so a manager reads:

- no count of staff contacts, in no figure (the week's, the trend's, the region's or the company's):
  with it, 2 visits and 17 contacts can only be a walk and a shopper's visit;
- rates and median seconds only in a week of at least MIN_VISITS (5) visits. The smallest cell
  shown is about 5 contacts: over fewer, a rate or a median describes single moments staff remember
  (a shopper's visit holds 1-3 contacts, so "1 of 1" or the median of 2 stopwatch times is that
  visit). The rule counts visits, not contacts, because a rule on contacts would itself tell: in a
  week of 2 visits, a rate withheld for "fewer than 5 contacts" would say that both visits together
  held at most 4 contacts, so that neither was a supervisor's walk (10 or more). Every visit holds
  at least one contact, so 5 visits guarantee 5 contacts (5 x 1 = 5), and whether a rate shows then
  depends only on the number of visits, which the manager reads anyway. A median of seconds also
  needs MIN_TIMED_CONTACTS timed contacts (a response is timed only when something was asked);
- rates to the nearest RATE_STEP (5) points, never their count over contacts. To one decimal a rate
  gives its denominator away: 88.2 %, 11.8 % and 58.8 % are 15, 2 and 10 of 17 and of no smaller
  number, and 17 contacts in 2 visits are a walk and a shopper's visit. On a 5-point step the same
  rates (90, 10, 60) fit 10 contacts as well as 17 or 20. A week of 5 visits tells a rate to about
  +-20 points (95 % interval), so the step hides nothing the week could tell;
- the evidence of "what to work on" as such rates ("in about 50 % of staff contacts"), under the
  same rules, a share of questions or wishes only over at least MIN_CONTACTS of them;
- the good/bad-news lines of rates with their figures on the same step.

docs/product.md ("What a store manager sees") says it for managers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .calls import RATES, ChangeCall
from .figures import Figures
from .publication import Audience
from .totals import Totals

# Rates, median seconds and shares of contacts reach a manager only over a week of this many visits
# (so over at least this many contacts: every visit holds one or more).
MIN_VISITS = 5
# The smallest number of contacts, questions or wishes a share or a median is shown over.
MIN_CONTACTS = 5
# A median of stopwatch seconds is shown over at least this many timed contacts.
MIN_TIMED_CONTACTS = MIN_CONTACTS
# Rates and shares are shown to the nearest this many points.
RATE_STEP = 5

SECONDS = ("median_greeting_seconds", "median_response_seconds")
CONTACT_FIGURES = (*RATES, *SECONDS)


def on_step(value: float | None, rounding: str = ROUND_HALF_UP) -> float | None:
    """A rate (0..100) to the nearest RATE_STEP points, half away from zero as `scoring.round1`
    rounds (the float's noise dropped first, so 12.5 is 12.5 and not 12.4999...); `rounding`
    ROUND_FLOOR or ROUND_CEILING for the ends of an interval (widened, never narrowed)."""
    if value is None:
        return None
    exact = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)
    return float((exact / RATE_STEP).quantize(Decimal(1), rounding=rounding) * RATE_STEP)


@dataclass(frozen=True)
class Share:
    """Evidence: `count` of `total` contacts (questions, wishes), and, for a manager, only `percent`
    (on the rate step; count and total None)."""

    count: int | None
    total: int | None
    percent: float | None = None


class StaffView:
    """Supervisors and head office: every figure as it is."""

    def figures(self, figures: Figures, totals: Totals) -> Figures:
        return figures

    def withheld(self, figures: Figures, totals: Totals) -> list[str]:
        """What of the week's figures is not shown, or shown coarser, as WITHHELD's keys (none)."""
        return []

    def calls(self, calls: list[ChangeCall]) -> list[ChangeCall]:
        return calls

    def share(self, count: int, total: int, *, n_visits: int) -> Share | None:
        return Share(count, total)


class ManagerView(StaffView):
    """Store managers: no contact counts; rates, medians and shares only over MIN_VISITS visits, on
    the RATE_STEP (module docstring)."""

    def figures(self, figures: Figures, totals: Totals) -> Figures:
        shown: dict = {"n_interactions": None}
        if totals.n_visits < MIN_VISITS:
            shown |= dict.fromkeys(CONTACT_FIGURES)
        else:
            shown |= {name: on_step(getattr(figures, name)) for name in RATES}
            for name, seconds in zip(SECONDS, (totals.greeting_seconds, totals.response_seconds), strict=True):
                if len(seconds) < MIN_TIMED_CONTACTS:
                    shown[name] = None
        return replace(figures, **shown)

    def withheld(self, figures: Figures, totals: Totals) -> list[str]:
        shown = self.figures(figures, totals)
        found = ["contacts"] if figures.n_visits else []
        if 0 < totals.n_visits < MIN_VISITS:
            found.append("rates")
        elif any(getattr(figures, name) is not None and getattr(shown, name) is None for name in SECONDS):
            found.append("seconds")
        if any(getattr(shown, name) is not None for name in RATES):
            found.append("step")
        return found

    def calls(self, calls: list[ChangeCall]) -> list[ChangeCall]:
        return [self._call(call) if call.is_rate else call for call in calls]

    @staticmethod
    def _call(call: ChangeCall) -> ChangeCall:
        """A rate's call with its figures on the step and its interval widened to it. A change the
        step hides (both weeks on the same step, or the step's figures moving against it) is
        within normal variation as the manager reads it."""
        original = call.difference
        shown = replace(
            original,
            before=on_step(original.before),
            after=on_step(original.after),
            low=on_step(original.low, ROUND_FLOOR),
            high=on_step(original.high, ROUND_CEILING),
        )
        if original.meaningful and (shown.delta or 0.0) * (original.delta or 0.0) <= 0:
            shown = replace(shown, meaningful=False)
        return replace(call, difference=shown)

    def share(self, count: int, total: int, *, n_visits: int) -> Share | None:
        if n_visits < MIN_VISITS or total < MIN_CONTACTS:
            return None
        percent = on_step(100.0 * count / total) or 0.0
        # a count above none is never "about 0 %", nor one short of all "about 100 %"
        percent = min(max(percent, RATE_STEP if count else 0.0), 100.0 - RATE_STEP if count < total else 100.0)
        return Share(None, None, percent)


WITHHELD = ("contacts", "rates", "seconds", "step")


def reason(withheld: str) -> str:
    """Why, in words of the active language (page, PDF, JSON, e-mail)."""
    if withheld == "contacts":
        return _(
            "The number of staff contacts is not shown to store managers: together with the number of "
            "visits it would tell one kind of visit from another."
        )
    if withheld == "rates":
        return _(
            "Rates and median seconds are shown from %(n)s visits a week on: over fewer they would "
            "describe single staff contacts, moments staff remember."
        ) % {"n": MIN_VISITS}
    if withheld == "seconds":
        return _(
            "Median seconds are shown only over at least 5 timed staff contacts: fewer would be single "
            "stopwatch times of moments staff remember."
        )
    return _(
        "Rates are shown to the nearest %(step)s %%: finer figures would give away how many staff "
        "contacts were observed."
    ) % {"step": RATE_STEP}


_VIEWS: dict[Audience, StaffView] = {Audience.MANAGER: ManagerView(), Audience.STAFF: StaffView()}


def view_for(audience: Audience) -> StaffView:
    """What `audience` reads of a report's figures: the one place that decides it."""
    return _VIEWS[audience]
