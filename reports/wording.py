"""What changed since last week, and band names, in plain words of the active language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from observations import scoring

from .calls import ChangeCall
from .store_report import StoreReport


def _label(figure: str) -> str:
    return {
        "soi": _("The Service Oasis Index"),
        "greeting": _("Greeting"),
        "smile": _("Smile"),
        "hovering": _("Room to browse (hovering)"),
        "response": _("Response to questions"),
        "greeting_rate": _("The greeting rate"),
        "smile_rate": _("The smile rate"),
        "hovering_rate": _("The hovering rate"),
    }[figure]


def band_label(band: str | None) -> str:
    return {"oasis": _("oasis"), "steppe": _("steppe"), "desert": _("desert")}.get(band or "", _("no band"))


@dataclass(frozen=True)
class ChangeLine:
    """One sentence of "what changed", with its news in words and as a CSS tone (never colour alone)."""

    text: str
    tone: str  # good, bad, steady, unknown

    @property
    def tone_label(self) -> str:
        return {
            "good": _("Good news"),
            "bad": _("Bad news"),
            "steady": _("No real change"),
            "unknown": _("Too few visits"),
        }[self.tone]

    def __str__(self) -> str:
        return f"{self.tone_label}: {self.text}"


def _value(figure: str, value: float) -> str:
    # number_format cuts digits off; round first so the text matches the tables
    number = number_format(scoring.round1(value), 1)
    return _("%(value)s%%") % {"value": number} if figure.endswith("_rate") else number


def _sentence(call: ChangeCall) -> str:
    difference = call.difference
    values = {
        "figure": _label(call.figure),
        "before": _value(call.figure, difference.before),
        "after": _value(call.figure, difference.after),
        "n_before": difference.n_before,
        "n_after": difference.n_after,
    }
    direction = difference.direction
    if call.is_rate:
        values["n"] = _("customers observed: %(n_before)s last week, %(n_after)s this week") % values
    else:
        values["n"] = _("visits counted: %(n_before)s last week, %(n_after)s this week") % values
    if direction == "rise":
        return _("%(figure)s rose from %(before)s to %(after)s (%(n)s).") % values
    if direction == "fall":
        return _("%(figure)s fell from %(before)s to %(after)s (%(n)s).") % values
    if direction == "steady":
        return _("%(figure)s: %(after)s after %(before)s, within normal variation (%(n)s).") % values
    return _("%(figure)s: %(after)s after %(before)s; too few visits to tell a real change (%(n)s).") % values


def describe_changes(report: StoreReport) -> list[ChangeLine]:
    """What changed since last week, in plain words of the active language. A rise or a fall is
    named only when it is statistically meaningful; the index is always mentioned, the dimensions and
    rates only when they really changed."""
    if not report.figures.n_visits:
        return [ChangeLine(_("No visits were counted this week."), "unknown")]
    if not report.previous.n_visits:
        return [
            ChangeLine(_("No visits were counted the week before, so there is nothing to compare with."), "unknown")
        ]
    calls = report.change_calls
    lines = []
    soi_call = next((call for call in calls if call.figure == "soi"), None)
    if soi_call is not None:
        lines.append(ChangeLine(_sentence(soi_call), soi_call.tone))
    real = [call for call in calls if call.figure != "soi" and call.tone in ("good", "bad")]
    lines += [ChangeLine(_sentence(call), call.tone) for call in real]
    if report.previous.band != report.figures.band:
        names = {"before": band_label(report.previous.band), "after": band_label(report.figures.band)}
        if soi_call is not None and soi_call.tone in ("good", "bad"):
            lines.append(ChangeLine(_("The store moved from %(before)s to %(after)s.") % names, soi_call.tone))
        else:
            lines.append(
                ChangeLine(
                    _("The band changed from %(before)s to %(after)s, but the index moved within normal variation.")
                    % names,
                    "steady",
                )
            )
    if not real:
        lines.append(ChangeLine(_("No dimension or rate changed beyond normal variation."), "steady"))
    return lines
