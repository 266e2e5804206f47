"""One neutraliser for every spreadsheet file: formulas become text, numbers stay numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.spreadsheet import reads_as_formula, safe_text, spreadsheet_cell, unmark

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "＝1+1",  # full-width equals, folded to = by spreadsheets
    "＋cmd|' /C calc'!A0",
    " =1+1",  # leading space
    "\t=1+1",
    "\r=1+1",
    "\n=1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_a_text_mark(text):
    assert reads_as_formula(text)
    assert safe_text(text) == "'" + text
    assert unmark(safe_text(text)) == text


@pytest.mark.parametrize("text", ["-0.1276", "+3", "12", "1e5", "Berlin", "", "it's = fine", "'plain"])
def test_numbers_and_plain_text_stay_as_they_are(text):
    assert safe_text(text) == text
    assert unmark(text) == text


def test_cells_of_other_types():
    assert [spreadsheet_cell(v) for v in (None, True, False, -3.5, 7)] == ["", "true", "false", -3.5, 7]


@given(st.text())
def test_a_marked_cell_never_reads_as_a_formula_and_unmarks_to_the_original(text):
    marked = safe_text(text)
    assert not reads_as_formula(marked)
    assert unmark(marked) == text
