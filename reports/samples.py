"""Visit-level scores and counts, for the significance of a change: the rollups keep sums, and a
Welch test of a dimension needs the spread of the visit scores too; a rate is tested over visits
(the customers of one visit are not independent), so it needs each visit's count and customers.
One query over the counted visits, their interactions counted per visit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from observations import scoring
from observations.models import counted_statuses

from .report_sql import visit_score_rows
from .totals import HOVERING_APPROACHES_FROM, SMILING_FROM

# the rates of the reports, as the rollups count them, per visit (the rule `report_sql` writes out,
# and its test's reference)
RATE_COUNTS = {
    "greeting_rate": Q(interactions__greeted=True),
    "smile_rate": Q(interactions__smile__gte=SMILING_FROM),
    "hovering_rate": Q(interactions__followed=True)
    | Q(interactions__unsolicited_approaches__gte=HOVERING_APPROACHES_FROM),
}

# (store id, week) -> figure ("soi" or a dimension) -> the counted visits' scores, and
# rate -> per visit (count, customers)
VisitScores = dict[tuple[int, dt.date], dict[str, list]]


def visit_scores_by_week(*, stores: Iterable, weeks: Iterable[dt.date], approved_only: bool) -> VisitScores:
    """Per (store, week): the counted visits' SOI and dimension scores (None left out), and per
    rate each visit's (count, customers). One query (`report_sql.visit_score_rows`: the counted
    visits annotated with `RATE_COUNTS`, written out)."""
    found: VisitScores = defaultdict(lambda: defaultdict(list))
    rows = visit_score_rows(
        store_ids=[getattr(store, "pk", store) for store in stores],
        weeks=list(weeks),
        statuses=counted_statuses(approved_only),
    )
    for store_id, week, n_interactions, soi, *values in rows:
        scores = found[(store_id, week)]
        if soi is not None:
            scores["soi"].append(soi)
        dimensions, counts = values[: len(scoring.DIMENSIONS)], values[len(scoring.DIMENSIONS) :]
        for name, value in zip(scoring.DIMENSIONS, dimensions, strict=True):
            if value is not None:
                scores[name].append(value)
        for name, count in zip(RATE_COUNTS, counts, strict=True):
            scores[name].append((count, n_interactions))
    # plain dicts: reports are cached (pickled), and a lambda's defaultdict cannot be
    return {key: dict(scores) for key, scores in found.items()}
