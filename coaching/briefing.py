"""What to work on, for a store-week's report: the behaviours, their evidence in plain words and the
principle behind each. Reads the week's interaction counts (one query); names no observer."""

from __future__ import annotations

import datetime as dt

from observations import scoring
from reports import page_sections
from reports.manager_view import StaffView
from stores.models import Store

from .focus import what_to_work_on
from .models import ActionPlan
from .selectors import week_counts
from .wording import focus_briefing


def week_briefing(
    *,
    store: Store,
    week_start: dt.date,
    approved_only: bool,
    scores: dict[str, float | None],
    view: StaffView,
    n_visits: int,
    rubric: scoring.RubricParams = scoring.DEFAULT_RUBRIC,
) -> list[dict]:
    """The behaviours to work on and their evidence, as `view` lets the reader see it
    (reports.manager_view: a store manager reads shares, never counts of contacts)."""
    if all(score is None for score in scores.values()):
        return []
    counts = week_counts(store=store, week_start=week_start, approved_only=approved_only, rubric=rubric)
    return [focus_briefing(point, view=view, n_visits=n_visits) for point in what_to_work_on(scores, counts, rubric)]


def plan_of_week(*, store: Store, week_start: dt.date) -> ActionPlan | None:
    """The action plan the week opened, if any (the report links to it)."""
    return ActionPlan.objects.filter(store=store, week_start=week_start).first()


@page_sections.register
def _store_report_section(week: page_sections.StoreWeek) -> dict:
    """The store report page's "what to work on" and its link to the week's action plan."""
    return {
        "briefing": week_briefing(
            store=week.store,
            week_start=week.week_start,
            approved_only=week.approved_only,
            scores=week.scores,
            rubric=week.rubric,
            view=week.view,
            n_visits=week.n_visits,
        ),
        "plan": plan_of_week(store=week.store, week_start=week.week_start),
    }
