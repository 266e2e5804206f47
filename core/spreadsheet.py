"""Cells of every file the product writes for a spreadsheet (report and coverage CSVs, the admin's
CSV and XLSX exports): text that a spreadsheet would run as a formula is written as text.

A spreadsheet starts a formula at `=`, `+`, `-` or `@`, also after leading whitespace and in their
full-width forms (`＝`, which it folds to the ASCII ones); a tab, CR or LF at the start starts one
too. Such text gets a leading apostrophe, the spreadsheet convention for "this is text" (OWASP's
CSV injection advice); plain numbers (`-0.1276`) are numbers and stay as they are.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_STARTS = frozenset("=+-@")
TEXT_MARK = "'"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula."""
    if text[:1] in ("\t", "\r", "\n"):
        return True
    first = text.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first) in FORMULA_STARTS and not _NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """`text` as a spreadsheet shows it without running it."""
    return TEXT_MARK + text if reads_as_formula(text) else text


def unmark(text: str) -> str:
    """The text a safe_text() cell stood for: an exported file imports again unchanged."""
    if text.startswith(TEXT_MARK) and reads_as_formula(text[1:]):
        return text[1:]
    return text


def spreadsheet_cell(value: object) -> object:
    """One CSV cell: nothing as empty, booleans as true/false, text made safe, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return safe_text(value)
    return value
