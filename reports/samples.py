"""Visit-level scores, for the significance of a change: the rollups keep sums, and a Welch test
of a dimension needs the spread of the visit scores too. One query over the counted visits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from observations import scoring
from observations.models import Visit

SCORE_COLUMNS = ("soi", *(f"{name}_score" for name in scoring.DIMENSIONS))

# (store id, week) -> figure ("soi" or a dimension) -> the counted visits' scores
VisitScores = dict[tuple[int, dt.date], dict[str, list[float]]]


def visit_scores_by_week(*, stores: Iterable, weeks: Iterable[dt.date], approved_only: bool) -> VisitScores:
    """Per (store, week): the counted visits' SOI and dimension scores (None left out)."""
    found: VisitScores = defaultdict(lambda: defaultdict(list))
    rows = (
        Visit.objects.counted(approved_only=approved_only)
        .filter(store__in=stores, week_start__in=list(weeks))
        .values_list("store_id", "week_start", *SCORE_COLUMNS)
    )
    for store_id, week, soi, *dimensions in rows:
        scores = found[(store_id, week)]
        if soi is not None:
            scores["soi"].append(soi)
        for name, value in zip(scoring.DIMENSIONS, dimensions, strict=True):
            if value is not None:
                scores[name].append(value)
    # plain dicts: reports are cached (pickled), and a lambda's defaultdict cannot be
    return {key: dict(scores) for key, scores in found.items()}
