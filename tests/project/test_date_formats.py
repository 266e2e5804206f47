"""Dates read unambiguously in both languages: no 11/16/2026, no 12-hour clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import formats, translation


@pytest.mark.parametrize(
    ("language", "short_date", "date_time"),
    [("en", "16 Nov 2026", "16 November 2026, 14:05"), ("de", "16.11.2026", "16. November 2026 14:05")],
)
def test_dates_are_day_month_year_with_a_24_hour_clock(language, short_date, date_time):
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 11, 16), "SHORT_DATE_FORMAT") == short_date
        assert formats.date_format(dt.datetime(2026, 11, 16, 14, 5), "DATETIME_FORMAT") == date_time
