"""The models of observations, one module per concern: the rubric (`rubric`), visits and their
interactions with which visits count (`visits`), and the review's decisions and questions
(`review`). Imported from here (`observations.models`), as Django finds them."""

from .review import ReviewAction, ReviewDecision, VisitQuestion
from .rubric import IN_FORCE_CACHE_KEY, IN_FORCE_CACHE_SECONDS, Rubric
from .visits import (
    COUNTED_STATUSES,
    MAX_LOCATION_ACCURACY_M,
    MAX_SECONDS,
    OBSERVED_FIELDS,
    SCORE_FIELDS,
    Interaction,
    ObserverRole,
    RollupScope,
    ScoredModel,
    Visit,
    VisitQuerySet,
    VisitStatus,
    counted_statuses,
    counting_scope,
)

__all__ = [
    "COUNTED_STATUSES",
    "IN_FORCE_CACHE_KEY",
    "IN_FORCE_CACHE_SECONDS",
    "MAX_LOCATION_ACCURACY_M",
    "MAX_SECONDS",
    "OBSERVED_FIELDS",
    "SCORE_FIELDS",
    "Interaction",
    "ObserverRole",
    "ReviewAction",
    "ReviewDecision",
    "RollupScope",
    "Rubric",
    "ScoredModel",
    "Visit",
    "VisitQuerySet",
    "VisitQuestion",
    "VisitStatus",
    "counted_statuses",
    "counting_scope",
]
