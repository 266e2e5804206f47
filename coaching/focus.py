"""What to work on: the one or two behaviours with the most room for improvement in a store-week,
and the evidence for them as counts of interactions. Plain values in, plain values out (no Django).

Room for improvement is what a behaviour could add to the Service Oasis Index if it were perfect:
`weight * (100 - score) / sum of weights` points. A second behaviour is named only when it has at
least half the room of the first and some room at all, so the briefing stays short.

Evidence never says who observed or when: only how many of the week's customers, questions or wishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from observations.scoring import DEFAULT_RUBRIC, DIMENSIONS, RubricParams

# Below this many points of room a behaviour is not worth a briefing.
MIN_ROOM = 3.0
# A second behaviour is named when its room is at least this share of the first's.
SECOND_SHARE = 0.5
RELUCTANT_FROM = 2  # response quality 1..5: 1 or 2 is an unwilling answer
SOUR_FROM = 2  # smile 1..5: 1 or 2 is a sour or hostile face


@dataclass(frozen=True)
class WeekCounts:
    """Counts over the interactions of the counted visits of one store-week."""

    interactions: int = 0
    not_greeted: int = 0
    greeted_late: int = 0  # greeted after the rubric's target seconds
    greeted_impersonally: int = 0  # greeted, but not personally
    sour_faces: int = 0  # smile 1 or 2
    smiling: int = 0  # smile 4 or 5
    followed: int = 0
    approached_repeatedly: int = 0  # two or more unsolicited approaches
    questions: int = 0  # the customer asked or made a request
    answered_late: int = 0  # attended after the rubric's target seconds
    answered_reluctantly: int = 0  # quality 1 or 2
    wishes: int = 0  # unusual (special) requests
    wishes_refused: int = 0  # special requests answered with quality 1 or 2


@dataclass(frozen=True)
class Evidence:
    """`count` of `total` — `kind` names the sentence (see coaching.wording)."""

    kind: str
    count: int
    total: int


@dataclass(frozen=True)
class FocusPoint:
    dimension: str
    score: float
    room: float  # SOI points to gain
    evidence: tuple[Evidence, ...]


def room_for_improvement(scores: dict[str, float | None], rubric: RubricParams = DEFAULT_RUBRIC) -> dict[str, float]:
    """SOI points each scored dimension could add if it were perfect."""
    scored = {name: score for name, score in scores.items() if score is not None}
    total_weight = sum(rubric.weight(name) for name in scored)
    if not total_weight:
        return {}
    return {name: rubric.weight(name) * (100.0 - score) / total_weight for name, score in scored.items()}


def evidence_for(dimension: str, counts: WeekCounts) -> tuple[Evidence, ...]:
    """The telling counts of a behaviour, most telling first; counts of zero are left out."""
    n = counts.interactions
    candidates = {
        "greeting": [
            Evidence("not_greeted", counts.not_greeted, n),
            Evidence("greeted_late", counts.greeted_late, n),
            Evidence("greeted_impersonally", counts.greeted_impersonally, n),
        ],
        "smile": [
            Evidence("sour_faces", counts.sour_faces, n),
            Evidence("few_smiles", n - counts.smiling, n),
        ],
        "hovering": [
            Evidence("followed", counts.followed, n),
            Evidence("approached_repeatedly", counts.approached_repeatedly, n),
        ],
        "response": [
            Evidence("answered_reluctantly", counts.answered_reluctantly, counts.questions),
            Evidence("answered_late", counts.answered_late, counts.questions),
            Evidence("wishes_refused", counts.wishes_refused, counts.wishes),
        ],
    }[dimension]
    present = [item for item in candidates if item.count > 0 and item.total > 0]
    return tuple(sorted(present, key=lambda item: item.count / item.total, reverse=True)[:2])


def what_to_work_on(
    scores: dict[str, float | None], counts: WeekCounts, rubric: RubricParams = DEFAULT_RUBRIC
) -> list[FocusPoint]:
    """The one or two behaviours to brief the team on, with their evidence (none: nothing stands out)."""
    room = room_for_improvement(scores, rubric)
    ranked = sorted(
        (name for name in DIMENSIONS if room.get(name, 0.0) >= MIN_ROOM),
        key=lambda name: (-room[name], DIMENSIONS.index(name)),
    )
    chosen = ranked[:1]
    if len(ranked) > 1 and room[ranked[1]] >= SECOND_SHARE * room[ranked[0]]:
        chosen.append(ranked[1])
    return [FocusPoint(name, scores[name], room[name], evidence_for(name, counts)) for name in chosen]
