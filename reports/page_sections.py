"""What other apps add to the store report page (coaching: what to work on and the week's action
plan), registered from their `ready()`, so the reports know nothing of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from observations import scoring
from stores.models import Store

from .manager_view import StaffView


@dataclass(frozen=True)
class StoreWeek:
    """The week a store report page shows, as a section needs it."""

    store: Store
    week_start: dt.date
    approved_only: bool
    scores: dict[str, float | None]
    rubric: scoring.RubricParams
    n_visits: int
    # what the reader may see of counts of contacts (reports.manager_view)
    view: StaffView


# Takes the page's week, returns the template context it adds.
Section = Callable[[StoreWeek], dict]

_sections: list[Section] = []


def register(section: Section) -> Section:
    if section not in _sections:
        _sections.append(section)
    return section


def store_week_context(week: StoreWeek) -> dict:
    """The context every registered section adds to the page of `week`."""
    context: dict = {}
    for section in _sections:
        context.update(section(week))
    return context
