"""What changed since last week, and band names, in plain words of the active language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from observations import scoring

from .calls import RECENT, ChangeCall, visits_a_week_to_tell
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
        RECENT: _("The Service Oasis Index"),
    }[figure]


def calls_meaning() -> str:
    """What a call of good or bad news means, and what it does not (shown with every list of calls)."""
    return _(
        "Good or bad news is named only when a change is larger than this store's weeks vary by chance, "
        "counting every figure of the report together: in a store whose service did not change, about "
        "1 report in 20 still shows one. A change says what moved, not why."
    )


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
    values["n"] = _("visits counted: %(n_before)s last week, %(n_after)s this week") % values
    if direction == "rise":
        return _("%(figure)s rose from %(before)s to %(after)s (%(n)s).") % values
    if direction == "fall":
        return _("%(figure)s fell from %(before)s to %(after)s (%(n)s).") % values
    if direction == "steady":
        return _("%(figure)s: %(after)s after %(before)s, within normal variation (%(n)s).") % values
    return _("%(figure)s: %(after)s after %(before)s; too few visits to tell a real change (%(n)s).") % values


def _recent_sentence(call: ChangeCall) -> str:
    """The SOI over the last four weeks against the eight before, when the family calls it."""
    difference = call.difference
    values = {
        "before": _value("soi", difference.before),
        "after": _value("soi", difference.after),
        "n_before": difference.n_before,
        "n_after": difference.n_after,
    }
    if difference.direction == "rise":
        text = _(
            "Over the last four weeks the Service Oasis Index rose to %(after)s, from %(before)s in the eight "
            "weeks before (visits counted: %(n_before)s before, %(n_after)s in the last four weeks)."
        )
    else:
        text = _(
            "Over the last four weeks the Service Oasis Index fell to %(after)s, from %(before)s in the eight "
            "weeks before (visits counted: %(n_before)s before, %(n_after)s in the last four weeks)."
        )
    return text % values


def _visits_to_tell(report: StoreReport) -> str:
    scores = report.visit_scores
    needed = visits_a_week_to_tell(
        scores.get((report.store.pk, report.week_start), {}),
        scores.get((report.store.pk, report.previous_week_start), {}),
    )
    return _("About %(n)s visits a week would show a change of the index by 10 points in 8 of 10 cases.") % {
        "n": needed
    }


def describe_changes(report: StoreReport) -> list[ChangeLine]:
    """What changed since last week, in plain words of the active language. A rise or a fall is
    named only when it is statistically meaningful for the report as a family
    (`reports.family.family_control`); the index is always mentioned, the dimensions and rates
    only when they really changed. When there are too few visits to tell, the line says how many
    visits a week would."""
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
        sentence = _sentence(soi_call)
        if soi_call.tone == "unknown":
            sentence += " " + _visits_to_tell(report)
        lines.append(ChangeLine(sentence, soi_call.tone))
    recent = next((call for call in calls if call.figure == RECENT and call.tone in ("good", "bad")), None)
    if recent is not None:
        lines.append(ChangeLine(_recent_sentence(recent), recent.tone))
    real = [call for call in calls if call.figure not in ("soi", RECENT) and call.tone in ("good", "bad")]
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
