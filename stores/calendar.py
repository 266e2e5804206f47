"""When a store is closed: the public holidays of its country and subdivision (the `holidays`
package), its regular closed weekdays and the company's closed dates. Plain values in and out; the
planner never plans a visit on such a day (`planning.planner.open_windows`).

A store's country is an ISO 3166-1 alpha-2 code that `holidays` knows; its subdivision, optional,
one of that country's subdivisions as `holidays` names them ("BY" for Bavaria; "DE-BY", "by" and
"Bayern" are read as "BY"). Closed weekdays are ISO day numbers, 1 = Monday .. 7 = Sunday, stored
as "6,7". Holiday names are given in the language asked for where `holidays` has it ("de" gives
"Erster Weihnachtstag", "en" gives "Christmas Day"), else in the country's own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import holidays
from django.utils.translation import gettext as _

HOLIDAY, WEEKDAY, COMPANY = "holiday", "weekday", "company"
ISO_WEEKDAYS = range(1, 8)


@functools.cache
def supported() -> dict[str, tuple[str, ...]]:
    """Country code -> its subdivision codes, for the countries `holidays` knows (two letters)."""
    return {
        code: tuple(subdivisions)
        for code, subdivisions in holidays.list_supported_countries(include_aliases=False).items()
        if len(code) == 2
    }


@functools.cache
def _entity(country: str):
    return holidays.country_holidays(country)


def normalize_country(value: str) -> str:
    return (value or "").strip().upper()


def normalize_subdivision(country: str, value: str) -> str:
    """The subdivision as `holidays` names it: "DE-BY", "by" and "Bayern" are "BY"; an unknown one
    is returned as given (stripped), for the validation to name."""
    value = (value or "").strip()
    if not value or country not in supported():
        return value
    if value.upper().startswith(f"{country}-"):
        value = value[len(country) + 1 :]
    known = supported()[country]
    for code in known:
        if code.casefold() == value.casefold():
            return code
    aliases = getattr(_entity(country), "subdivisions_aliases", {}) or {}
    for alias, code in aliases.items():
        if alias.casefold() == value.casefold():
            return code
    return value


def parse_weekdays(value: str | Iterable[int]) -> frozenset[int]:
    """ "6,7" (or 6 and 7) -> {6, 7}; ValueError naming what is wrong."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        try:
            days = {int(part) for part in parts}
        except ValueError:
            raise ValueError(_("Closed weekdays are day numbers from 1 (Monday) to 7 (Sunday), e.g. “7”.")) from None
    else:
        days = set(value)
    if not days <= set(ISO_WEEKDAYS):
        raise ValueError(_("Closed weekdays are day numbers from 1 (Monday) to 7 (Sunday), e.g. “7”."))
    if len(days) == 7:
        raise ValueError(_("A store cannot be closed on every day of the week."))
    return frozenset(days)


def format_weekdays(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))


def calendar_errors(*, country: str, subdivision: str, closed_weekdays: str) -> dict[str, str]:
    """What is wrong with a store's calendar, per field, in the active language (none: {})."""
    errors = {}
    if country not in supported():
        errors["country"] = _("“%(value)s” is not a country code the holiday calendar knows (ISO 3166-1, e.g. DE).") % {
            "value": country
        }
    elif subdivision and subdivision not in supported()[country]:
        errors["subdivision"] = _("“%(value)s” is not a subdivision of %(country)s; known are: %(known)s.") % {
            "value": subdivision,
            "country": country,
            "known": ", ".join(supported()[country]) or "–",
        }
    try:
        parse_weekdays(closed_weekdays)
    except ValueError as error:
        errors["closed_weekdays"] = str(error)
    return errors


def _holiday_language(country: str, language: str | None) -> str | None:
    """The `holidays` language closest to a Django language code ("de", "en"), else None (the country's)."""
    if not language:
        return None
    offered = _entity(country).supported_languages or ()
    wanted = language.replace("-", "_")
    for candidate in (wanted, wanted.split("_")[0]):
        if candidate in offered:
            return candidate
    prefix = wanted.split("_")[0]
    if prefix == "en" and "en_US" in offered:
        return "en_US"
    return next((code for code in offered if code.split("_")[0] == prefix), None)


@functools.lru_cache(maxsize=512)
def _holidays_of(country: str, subdivision: str, year: int, language: str | None) -> Mapping[dt.date, str]:
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year, language=language)
    return dict(found.items())


@dataclass(frozen=True)
class Closure:
    day: dt.date
    kind: str  # HOLIDAY, WEEKDAY or COMPANY
    name: str  # the holiday's or the company's name for the day; the weekday's for WEEKDAY


@dataclass(frozen=True)
class OpeningCalendar:
    country: str
    subdivision: str = ""
    closed_weekdays: frozenset[int] = frozenset()

    @classmethod
    def of(cls, store) -> OpeningCalendar:
        """From a Store (or anything with country, subdivision and closed_weekdays)."""
        try:
            weekdays = parse_weekdays(store.closed_weekdays or "")
        except ValueError:
            weekdays = frozenset()
        return cls(store.country, store.subdivision or "", weekdays)

    def closures(
        self,
        first: dt.date,
        last: dt.date,
        *,
        company: Mapping[dt.date, str] | None = None,
        language: str | None = None,
    ) -> dict[dt.date, Closure]:
        """The days from `first` to `last` the store is closed, each with why: a public holiday
        first, then a company closed date, then a closed weekday."""
        company = company or {}
        result: dict[dt.date, Closure] = {}
        if first > last:
            return result
        found: dict[dt.date, str] = {}
        if self.country in supported():
            holiday_language = _holiday_language(self.country, language)
            for year in range(first.year, last.year + 1):
                found.update(_holidays_of(self.country, self.subdivision, year, holiday_language))
        day = first
        while day <= last:
            if day in found:
                result[day] = Closure(day, HOLIDAY, found[day])
            elif day in company:
                result[day] = Closure(day, COMPANY, company[day])
            elif day.isoweekday() in self.closed_weekdays:
                result[day] = Closure(day, WEEKDAY, "")
            day += dt.timedelta(days=1)
        return result
