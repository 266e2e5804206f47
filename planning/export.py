"""The coverage table as rows, shared by the page's and the API's CSV (one column order)."""

from __future__ import annotations

from core.spreadsheet import spreadsheet_cell
from observations.scoring import round1

from .selectors import CoverageRow

COVERAGE_HEADER = [
    "store",
    "name",
    "region",
    "visits_needed",
    "planned",
    "upcoming",
    "open",
    "done",
    "overdue",
    "declined",
    "mean_soi",
    "half_width",
    "target_half_width",
    "expected_half_width",
    "at_risk",
    "risks",
]


def coverage_record(row: CoverageRow) -> dict:
    figures = row.figures
    return {
        "store": row.store_code,
        "name": row.store_name,
        "region": row.region_code,
        "visits_needed": figures.needed,
        "planned": figures.planned,
        "upcoming": figures.upcoming,
        "open": figures.open,
        "done": figures.done,
        "overdue": figures.overdue,
        "declined": figures.declined,
        "mean_soi": round1(figures.mean_soi),
        "half_width": round1(figures.half_width),
        "target_half_width": figures.target_half_width,
        "expected_half_width": round1(figures.expected_half_width),
        "at_risk": figures.at_risk,
        "risks": list(figures.risks),
    }


def csv_cell(value):
    if isinstance(value, list):
        value = " ".join(value)
    return spreadsheet_cell(value)


def coverage_csv_rows(rows: list[CoverageRow]) -> list[list]:
    return [[csv_cell(coverage_record(row)[key]) for key in COVERAGE_HEADER] for row in rows]
