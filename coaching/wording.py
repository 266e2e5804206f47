"""The words of coaching, in the active language: principles, evidence, a plan's effect.

Plural forms through ngettext, numbers through the active locale; written for a staff briefing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.manager_view import MIN_VISITS, Share, StaffView
from reports.templatetags.report_format import figure, signed_figure

from .focus import Evidence, FocusPoint
from .selectors import PlanEffect


def behaviour_label(dimension: str) -> str:
    return {
        "greeting": _("Greeting"),
        "smile": _("Smile"),
        "hovering": _("Room to browse"),
        "response": _("Response to questions and wishes"),
    }[dimension]


def principle(dimension: str) -> str:
    """The service principle behind a behaviour."""
    return {
        "greeting": _("Greet every customer promptly and personally – then give them room."),
        "smile": _("A smile is returned: meet every customer with a genuine, friendly face."),
        "hovering": _("Greet, then give the customer room to browse: be easy to find, never follow."),
        "response": _("An unusual wish is the job, not a personal problem: attend quickly and answer willingly."),
    }[dimension]


def evidence_sentence(item: Evidence) -> str:
    values = {"count": item.count, "total": item.total}
    n = item.total
    return {
        "not_greeted": ngettext(
            "In %(count)s of %(total)s staff contact there was no greeting.",
            "In %(count)s of %(total)s staff contacts there was no greeting.",
            n,
        ),
        "greeted_late": ngettext(
            "In %(count)s of %(total)s staff contact the greeting came only after more than 30 seconds.",
            "In %(count)s of %(total)s staff contacts the greeting came only after more than 30 seconds.",
            n,
        ),
        "greeted_impersonally": ngettext(
            "In %(count)s of %(total)s staff contact the greeting had no personal word.",
            "In %(count)s of %(total)s staff contacts the greeting had no personal word.",
            n,
        ),
        "sour_faces": ngettext(
            "In %(count)s of %(total)s staff contact staff showed an unfriendly face.",
            "In %(count)s of %(total)s staff contacts staff showed an unfriendly face.",
            n,
        ),
        "few_smiles": ngettext(
            "In %(count)s of %(total)s staff contact there was no smile.",
            "In %(count)s of %(total)s staff contacts there was no smile.",
            n,
        ),
        "followed": ngettext(
            "In %(count)s of %(total)s staff contact the visitor felt followed.",
            "In %(count)s of %(total)s staff contacts the visitor felt followed.",
            n,
        ),
        "approached_repeatedly": ngettext(
            "In %(count)s of %(total)s staff contact staff approached twice or more without being asked.",
            "In %(count)s of %(total)s staff contacts staff approached twice or more without being asked.",
            n,
        ),
        "answered_reluctantly": ngettext(
            "%(count)s of %(total)s question was answered reluctantly.",
            "%(count)s of %(total)s questions were answered reluctantly.",
            n,
        ),
        "answered_late": ngettext(
            "%(count)s of %(total)s question waited more than a minute for an answer.",
            "%(count)s of %(total)s questions waited more than a minute for an answer.",
            n,
        ),
        "wishes_refused": ngettext(
            "%(count)s of %(total)s unusual wish was met reluctantly.",
            "%(count)s of %(total)s unusual wishes were met reluctantly.",
            n,
        ),
    }[item.kind] % values


def evidence_share_sentence(kind: str, share: Share) -> str:
    """Evidence as a share of the contacts (questions, wishes), on the step a store manager reads
    (reports.manager_view): no count of contacts."""
    values = {"percent": f"{share.percent:.0f}"}
    return {
        "not_greeted": _("In about %(percent)s %% of staff contacts there was no greeting."),
        "greeted_late": _(
            "In about %(percent)s %% of staff contacts the greeting came only after more than 30 seconds."
        ),
        "greeted_impersonally": _("In about %(percent)s %% of staff contacts the greeting had no personal word."),
        "sour_faces": _("In about %(percent)s %% of staff contacts staff showed an unfriendly face."),
        "few_smiles": _("In about %(percent)s %% of staff contacts there was no smile."),
        "followed": _("In about %(percent)s %% of staff contacts the visitor felt followed."),
        "approached_repeatedly": _(
            "In about %(percent)s %% of staff contacts staff approached twice or more without being asked."
        ),
        "answered_reluctantly": _("About %(percent)s %% of questions were answered reluctantly."),
        "answered_late": _("About %(percent)s %% of questions waited more than a minute for an answer."),
        "wishes_refused": _("About %(percent)s %% of unusual wishes were met reluctantly."),
    }[kind] % values


def evidence_sentences(point: FocusPoint, *, view: StaffView, n_visits: int) -> tuple[list[str], str | None]:
    """The evidence of a behaviour as the reader may read it (reports.manager_view: counts for
    staff, shares for a store manager, none over too few visits or contacts), and why some is not
    shown (None when all is)."""
    sentences = []
    for item in point.evidence:
        share = view.share(item.count, item.total, n_visits=n_visits)
        if share is None:
            continue
        sentences.append(
            evidence_sentence(item) if share.percent is None else evidence_share_sentence(item.kind, share)
        )
    if len(sentences) == len(point.evidence):
        return sentences, None
    return sentences, _(
        "Shares of staff contacts are shown from %(n)s visits a week on, and over at least 5 contacts, "
        "questions or wishes: over fewer they would describe single moments staff remember."
    ) % {"n": MIN_VISITS}


def points(value: float) -> str:
    return figure(value)


def signed_points(value: float) -> str:
    return signed_figure(value)


def focus_briefing(point: FocusPoint, *, view: StaffView, n_visits: int) -> dict:
    """One behaviour of "what to work on", ready for a template, its evidence as `view` lets the
    reader see it."""
    evidence, evidence_note = evidence_sentences(point, view=view, n_visits=n_visits)
    return {
        "dimension": point.dimension,
        "label": behaviour_label(point.dimension),
        "principle": principle(point.dimension),
        "evidence": evidence,
        "evidence_note": evidence_note,
        "room": _("Up to %(points)s more points on the index.") % {"points": points(point.room)},
    }


def effect_sentence(item: PlanEffect) -> str:
    """Did it work? In words, with the interval and n."""
    if item.effect is None:
        return _("No complete week after the plan yet.")
    difference = item.effect.difference
    if not difference.testable:
        return _("Too few visits to tell yet (%(before)s before, %(after)s after).") % {
            "before": difference.n_before,
            "after": difference.n_after,
        }
    values = {
        "delta": points(abs(difference.delta)),
        "signed": signed_points(difference.delta),
        "low": points(difference.low),
        "high": points(difference.high),
        "before": difference.n_before,
        "after": difference.n_after,
    }
    if difference.direction == "rise":
        return (
            _(
                "Rose by %(delta)s points since before the plan (95%% interval %(low)s to %(high)s; "
                "%(before)s visits before, %(after)s after): a change, not proof of what caused it."
            )
            % values
        )
    if difference.direction == "fall":
        return (
            _(
                "Fell by %(delta)s points since before the plan (95%% interval %(low)s to %(high)s; "
                "%(before)s visits before, %(after)s after): a change, not proof of what caused it."
            )
            % values
        )
    sentence = (
        _(
            "Within normal variation so far (%(signed)s points, 95%% interval %(low)s to %(high)s; "
            "%(before)s visits before, %(after)s after)."
        )
        % values
    )
    needed = item.effect.more_visits_needed
    if needed:
        sentence += " " + ngettext(
            "If the change is real, %(n)s more visit would show it in 8 of 10 cases.",
            "If the change is real, %(n)s more visits would show it in 8 of 10 cases.",
            needed,
        ) % {"n": needed}
    elif difference.delta:
        sentence += " " + _(
            "Even many more visits after the plan would not tell a change this small apart from chance: "
            "the weeks before vary too much."
        )
    return sentence
