"""What to work on, computed by hand. Weights (rubric 1): greeting 0.3, smile 0.2, hovering 0.2,
response 0.3; room for improvement = weight * (100 - score) / sum of the scored weights."""

from __future__ import annotations

import pytest
from django.utils import translation

from coaching.focus import Evidence, WeekCounts, room_for_improvement, what_to_work_on
from coaching.wording import evidence_sentence


def test_room_for_improvement_is_the_index_points_a_perfect_behaviour_would_add():
    room = room_for_improvement({"greeting": 40.0, "smile": 90.0, "hovering": 50.0, "response": None})
    # scored weights 0.7: greeting 0.3 * 60 / 0.7 = 25.71, smile 0.2 * 10 / 0.7 = 2.86, hovering 0.2 * 50 / 0.7 = 14.29
    assert room == pytest.approx({"greeting": 25.714, "smile": 2.857, "hovering": 14.286}, abs=0.001)


def test_the_behaviour_with_most_room_comes_first_and_a_second_only_with_half_its_room():
    scores = {"greeting": 40.0, "smile": 90.0, "hovering": 50.0, "response": None}
    assert [point.dimension for point in what_to_work_on(scores, WeekCounts())] == ["greeting", "hovering"]
    scores["hovering"] = 70.0  # room 8.57 < half of 25.71
    assert [point.dimension for point in what_to_work_on(scores, WeekCounts())] == ["greeting"]


def test_a_store_near_perfection_gets_nothing_to_work_on():
    scores = {"greeting": 95.0, "smile": 100.0, "hovering": 100.0, "response": 96.0}
    assert what_to_work_on(scores, WeekCounts()) == []


def test_the_evidence_is_counts_of_the_weeks_customers_most_telling_first():
    counts = WeekCounts(interactions=12, not_greeted=2, greeted_late=7, greeted_impersonally=0, followed=4)
    [greeting] = what_to_work_on({"greeting": 30.0, "smile": 100.0, "hovering": 100.0, "response": None}, counts)
    assert [(item.kind, item.count, item.total) for item in greeting.evidence] == [
        ("greeted_late", 7, 12),
        ("not_greeted", 2, 12),
    ]


def test_response_evidence_counts_questions_not_customers():
    counts = WeekCounts(interactions=12, questions=5, answered_reluctantly=2, wishes=1, wishes_refused=1)
    [response] = what_to_work_on({"greeting": 100.0, "smile": 100.0, "hovering": 100.0, "response": 40.0}, counts)
    assert [(item.kind, item.count, item.total) for item in response.evidence] == [
        ("wishes_refused", 1, 1),
        ("answered_reluctantly", 2, 5),
    ]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "In 11 of 22 staff contacts there was no greeting."),
        ("de", "Bei 11 von 22 Personalkontakten gab es keine Begrüßung."),
    ],
)
def test_the_evidence_counts_the_weeks_staff_contacts_not_customers(language, sentence):
    with translation.override(language):
        assert evidence_sentence(Evidence(kind="not_greeted", count=11, total=22)) == sentence
