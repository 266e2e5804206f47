"""Synthetic stores with a known truth, for the calibration benchmark (bench/calibration.py).

A customer's experience of each behaviour comes from a latent quality: the store's level, a shift
of that behaviour (the known change), the visit's shared mood (the shopper, the staff on shift and
the hour, common to every customer of one visit), and the customer's own luck. The latent values
become the form's observations (greeted and seconds, smile 1..5, followed and approaches, question
and answer) and are scored by the product's own `observations.scoring`; the rates are counted by
the rollups' own `Totals.add_interaction`. Nothing of the report's rules is copied here.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from observations import scoring

DIMENSIONS = scoring.DIMENSIONS
RATES = ("greeting_rate", "smile_rate", "hovering_rate")
# latent thresholds of the observations (chosen so that a store at level 0 scores an SOI of about 65)
SMILE_STEPS = (-1.6, -0.6, 0.2, 1.1)
QUALITY_STEPS = (-1.6, -0.7, 0.1, 0.9)
ASKED = 0.45


@dataclass(frozen=True)
class StoreTruth:
    level: float = 0.0  # latent level of the store (0: SOI about 65)
    shifts: dict[str, float] = field(default_factory=dict)  # latent shift per behaviour
    visit_sd: float = 0.6  # the visit's shared mood (latent units)
    customers: tuple[int, int] = (1, 3)  # customers observed per visit, uniform


def _steps(value: float, steps: tuple[float, ...]) -> int:
    return 1 + sum(value > step for step in steps)


def interaction(rng: random.Random, truth: StoreTruth, mood: float) -> scoring.InteractionValues:
    def latent(name: str) -> float:
        return truth.level + truth.shifts.get(name, 0.0) + mood + rng.gauss(0.0, 1.0)

    greet = latent("greeting")
    greeted = greet > -1.3
    seconds = min(3600, round(math.exp(3.1 - 0.6 * greet + 0.4 * rng.gauss(0.0, 1.0)))) if greeted else None
    asked = rng.random() < ASKED
    answer = latent("response")
    hover = latent("hovering")
    return scoring.InteractionValues(
        greeted=greeted,
        greeting_seconds=seconds,
        greeting_personal=greeted and greet + rng.gauss(0.0, 1.0) > 0.3,
        smile=_steps(latent("smile"), SMILE_STEPS),
        unsolicited_approaches=sum(hover < step for step in (0.2, -0.7, -1.5)),
        followed=hover + rng.gauss(0.0, 0.5) < -1.4,
        asked=asked,
        response_seconds=min(3600, round(math.exp(3.6 - 0.6 * answer + 0.4 * rng.gauss(0.0, 1.0)))) if asked else None,
        response_quality=_steps(answer, QUALITY_STEPS) if asked else None,
    )


def as_row(values: scoring.InteractionValues) -> dict:
    return values.__dict__


@dataclass
class Visit:
    scores: scoring.Scores
    interactions: list[scoring.InteractionValues]


def visit(rng: random.Random, truth: StoreTruth) -> Visit:
    mood = rng.gauss(0.0, truth.visit_sd)
    n = rng.randint(*truth.customers)
    interactions = [interaction(rng, truth, mood) for _ in range(n)]
    return Visit(scoring.visit_scores(interactions), interactions)
