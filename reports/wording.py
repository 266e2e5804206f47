"""What changed since last week, and band names, in plain words of the active language."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from observations import scoring

from .figures import NOTABLE_CHANGE
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


def describe_changes(report: StoreReport) -> list[str]:
    """What changed since last week, in plain words of the active language."""
    if not report.figures.n_visits:
        return [_("No visits were counted this week.")]
    if not report.previous.n_visits:
        return [_("No visits were counted the week before, so there is nothing to compare with.")]
    sentences = []
    for change in report.changes:
        values = {
            "figure": _label(change.figure),
            # number_format cuts digits off; round first so the text matches the tables
            "before": number_format(scoring.round1(change.before), 1),
            "after": number_format(scoring.round1(change.after), 1),
            "delta": number_format(scoring.round1(abs(change.delta)), 1),
        }
        is_rate = change.figure.endswith("_rate")
        if round(change.delta, 1) == 0:
            sentences.append(_("%(figure)s held steady at %(after)s.") % values)
        elif change.delta > 0:
            template = (
                _("%(figure)s rose by %(delta)s percentage points to %(after)s %% (from %(before)s %%).")
                if is_rate
                else _("%(figure)s rose by %(delta)s points to %(after)s (from %(before)s).")
            )
            sentences.append(template % values)
        else:
            template = (
                _("%(figure)s fell by %(delta)s percentage points to %(after)s %% (from %(before)s %%).")
                if is_rate
                else _("%(figure)s fell by %(delta)s points to %(after)s (from %(before)s).")
            )
            sentences.append(template % values)
    if report.previous.band != report.figures.band:
        sentences.append(
            _("The store moved from %(before)s to %(after)s.")
            % {"before": band_label(report.previous.band), "after": band_label(report.figures.band)}
        )
    if len(sentences) == 1 and report.changes:
        sentences.append(
            _("No dimension or rate moved by %(points)s points or more.") % {"points": number_format(NOTABLE_CHANGE, 0)}
        )
    return sentences
