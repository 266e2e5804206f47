"""Properties of the scoring that must hold for every possible interaction."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import assume, given
from hypothesis import strategies as st

from observations import scoring
from observations.scoring import InteractionValues

seconds = st.integers(min_value=0, max_value=3600)


@st.composite
def interactions(draw) -> InteractionValues:
    greeted = draw(st.booleans())
    asked = draw(st.booleans())
    return InteractionValues(
        greeted=greeted,
        greeting_seconds=draw(seconds) if greeted else None,
        greeting_personal=draw(st.booleans()) if greeted else False,
        smile=draw(st.integers(1, 5)),
        unsolicited_approaches=draw(st.integers(0, 30)),
        followed=draw(st.booleans()),
        asked=asked,
        response_seconds=draw(seconds) if asked else None,
        response_quality=draw(st.integers(1, 5)) if asked else None,
    )


def in_range(scores: scoring.Scores) -> bool:
    return all(value is None or 0 <= value <= 100 for value in scores.as_dict().values())


@given(interactions())
def test_every_score_lies_between_0_and_100(values):
    scores = scoring.interaction_scores(values)
    assert scores.soi is not None
    assert in_range(scores)


@given(st.lists(interactions(), min_size=1, max_size=20))
def test_visit_scores_lie_between_0_and_100(values):
    assert in_range(scoring.visit_scores(values))


@given(interactions(), seconds)
def test_a_faster_greeting_never_lowers_a_score(values, faster):
    assume(values.greeted and faster <= values.greeting_seconds)
    before = scoring.interaction_scores(values)
    after = scoring.interaction_scores(replace(values, greeting_seconds=faster))
    assert after.greeting >= before.greeting
    assert after.soi >= before.soi - 1e-9


@given(interactions(), seconds)
def test_a_faster_answer_never_lowers_a_score(values, faster):
    assume(values.asked and faster <= values.response_seconds)
    before = scoring.interaction_scores(values)
    after = scoring.interaction_scores(replace(values, response_seconds=faster))
    assert after.response >= before.response
    assert after.soi >= before.soi - 1e-9


@given(interactions(), st.integers(min_value=1, max_value=10))
def test_more_approaches_never_raise_a_score(values, extra):
    before = scoring.interaction_scores(values)
    after = scoring.interaction_scores(replace(values, unsolicited_approaches=values.unsolicited_approaches + extra))
    assert after.hovering <= before.hovering
    assert after.soi <= before.soi + 1e-9


@given(interactions())
def test_being_followed_never_raises_a_score(values):
    before = scoring.interaction_scores(replace(values, followed=False))
    after = scoring.interaction_scores(replace(values, followed=True))
    assert after.hovering <= before.hovering
    assert after.soi <= before.soi + 1e-9


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=60))
def test_the_median_of_counts_is_the_median_of_the_values(values):
    import statistics
    from collections import Counter

    expected = float(statistics.median(values)) if values else None
    assert scoring.median_of_counts(Counter(values)) == expected
    assert scoring.median_or_none(values) == expected
