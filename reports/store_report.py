"""The weekly report of one store: its figures, last week's, its rank, the region and company
comparison, the 12-week trend, the notes, and when the week is published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from observations import scoring
from stores.models import Store

from .calls import ChangeCall, change_calls, recent_samples
from .figures import (
    FEW_VISITS,
    LIVE,
    NOTABLE_CHANGE,
    PUBLISHED,
    Figures,
    Standing,
    figures_of,
    fold_area_totals,
    fold_means,
    rollup_scope,
    rubrics_by_version,
    standing_of,
)
from .manager_view import StaffView, reason, view_for
from .models import PublishedStoreWeek
from .notes import Note, notes_of
from .periods import trend_weeks, week_label
from .publication import Audience, WeekNotPublished, published_at, published_everywhere_at
from .report_sql import week_rollups
from .samples import VisitScores, visit_scores_by_week
from .significance import Sample
from .totals import ROLLUP_FIELDS, Totals


@dataclass(frozen=True)
class WeekPoint:
    """One week of the store's trend, with the region and company means of that week."""

    week_start: dt.date
    figures: Figures
    region_soi: float | None
    company_soi: float | None
    revised_on: dt.date | None = None  # as published to managers: the day a late change reached them

    @property
    def label(self) -> str:
        return week_label(self.week_start)


@dataclass(frozen=True)
class Change:
    figure: str  # "soi", a dimension or a rate
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class StoreReport:
    store: Store
    week_start: dt.date
    approved_only: bool
    figures: Figures
    shrunk_soi: float | None
    rank: int | None
    n_ranked: int
    previous: Figures
    region: Figures
    company: Figures
    trend: list[WeekPoint]
    notes: list[Note]
    audience: Audience
    published_at: dt.datetime  # when managers see (or saw) the week
    in_progress: bool  # not published yet: only staff get here, and figures may still change
    # the counted visits' scores of this week and the week before, for the significance of changes
    visit_scores: VisitScores = field(default_factory=dict)
    # for a manager, while the week is not yet published in every time zone of the company: when the
    # region and company figures (and the rank) of the week follow; until then they are left out
    comparison_from: dt.datetime | None = None
    # the 95 % interval of the rank, every store's score uncertain (None without a rank, or until the
    # week's standings are computed: reports.standings)
    rank_low: int | None = None
    rank_high: int | None = None
    # the SOI's visits of the 8 weeks before the last 4 and of the last 4 (calls.recent_samples)
    recent_soi: tuple[Sample, Sample] | None = None
    # what of the week's figures the reader is not shown, or shown coarser (reports.manager_view)
    withheld: list[str] = field(default_factory=list)
    # for a manager: the day of the publication that last brought late changes to the week (a visit
    # submitted late, a review decision or a correction after it was first published), if any
    revised_on: dt.date | None = None

    @property
    def revised_weeks(self) -> list[WeekPoint]:
        """The weeks of the trend revised since first published (a manager's report)."""
        return [point for point in self.trend if point.revised_on is not None]

    @property
    def week(self) -> str:
        return week_label(self.week_start)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def previous_week_start(self) -> dt.date:
        return self.week_start - dt.timedelta(weeks=1)

    @property
    def view(self) -> StaffView:
        """What the reader may see of the figures (reports.manager_view)."""
        return view_for(self.audience)

    @property
    def withheld_reasons(self) -> list[str]:
        """Why, in words of the active language."""
        return [reason(item) for item in self.withheld]

    @property
    def few_visits(self) -> bool:
        return self.figures.n_visits < FEW_VISITS

    @cached_property  # the page, the JSON and the wording all read it; t quantiles are not free
    def change_calls(self) -> list[ChangeCall]:
        """Every figure both weeks show the reader, with whether its change is real and good or bad
        news, as the reader may see it (reports.manager_view)."""
        return self.view.calls(
            change_calls(
                this=self.figures,
                last=self.previous,
                this_scores=self.visit_scores.get((self.store.pk, self.week_start), {}),
                last_scores=self.visit_scores.get((self.store.pk, self.previous_week_start), {}),
                recent=self.recent_soi,
            )
        )

    @property
    def changes(self) -> list[Change]:
        """SOI, dimensions and rates that moved since last week (SOI always, when both weeks have it)."""
        found = []
        for name in ("soi", *scoring.DIMENSIONS, "greeting_rate", "smile_rate", "hovering_rate"):
            before, after = getattr(self.previous, name), getattr(self.figures, name)
            if before is None or after is None:
                continue
            if name == "soi" or abs(after - before) >= NOTABLE_CHANGE:
                found.append(Change(name, before, after))
        return found


def store_weekly_report(
    *,
    store: Store,
    week_start: dt.date,
    approved_only: bool,
    audience: Audience,
    now: dt.datetime | None = None,
) -> StoreReport:
    """The weekly report of one store (already scoped), for `audience`. Raises WeekNotPublished
    when a manager asks for a week not yet published. Five queries, whatever the number of stores:
    the rubric versions, the store's 12 weeks with the region-week rollups of those weeks (region
    and company figures of the week, their means per week of the trend), the store's league
    standing (ranked by the database), the notes of its visits and their interactions, and the
    visit scores of this week and the week before (for the significance of changes). A manager's
    report of a week copied at its publication (`reports.revisions`) reads the copies instead, five
    queries: the company's time zones (is the week published everywhere?), the rubric versions, the
    store's 12 published weeks (with their notes and visit scores), the published store-weeks with the
    published region-weeks, and the standing among every store's published weeks. A manager's week
    not copied yet reads the live rollups as staff do (with the copies and the time zones: seven)."""
    now = now or timezone.now()
    published = published_at(week_start, store.tzinfo)
    in_progress = now < published
    if in_progress and audience is Audience.MANAGER:
        raise WeekNotPublished(week_label(week_start))
    comparison_from = None
    if audience is Audience.MANAGER and now < (everywhere := published_everywhere_at(week_start)):
        comparison_from = everywhere
    rubrics = rubrics_by_version()
    scope = rollup_scope(approved_only)
    weeks = trend_weeks(week_start)
    copies: dict[dt.date, PublishedStoreWeek] = {}
    if audience is Audience.MANAGER:
        copies = {
            row.week_start: row
            for row in PublishedStoreWeek.objects.filter(store=store, scope=scope, week_start__in=weeks).defer(
                *ROLLUP_FIELDS
            )
        }
    # A manager reads the week as it was published (and last revised), once it has been copied;
    # staff read the live rollups (`reports.revisions`).
    source = PUBLISHED if week_start in copies else LIVE
    own, region_rows = week_rollups(
        store_id=store.pk, scope=scope, weeks=weeks, week=week_start, published=source is PUBLISHED
    )
    empty = Totals()
    if comparison_from is None:
        per_region, company = fold_area_totals(
            (region_id, totals) for _week, region_id, _n, _total, totals in region_rows if totals is not None
        )
        standing, n_ranked = standing_of(
            store.pk, scope=scope, weeks=[week_start], company_mean=company.soi, source=source
        )
    else:  # other stores' weeks are still running: no region, company or rank of this week yet
        per_region, company, standing, n_ranked = {}, empty, Standing(None, None), 0
    region_means, company_means = fold_means(
        (week, region_id, n, total) for week, region_id, n, total, _ in region_rows
    )
    view = view_for(audience)

    def shown(totals: Totals) -> Figures:
        return view.figures(figures_of(totals, rubrics), totals)

    def own_figures(week: dt.date) -> Figures:
        return shown(own.get(week, empty))

    def revised_on(week: dt.date) -> dt.date | None:
        row = copies.get(week) if source is PUBLISHED else None
        return row.revised_on if row is not None else None

    week_totals = own.get(week_start, empty)
    if comparison_from is not None:
        region_means = {key: value for key, value in region_means.items() if key[0] != week_start}
        company_means = {week: value for week, value in company_means.items() if week != week_start}
    previous_week = week_start - dt.timedelta(weeks=1)
    if source is PUBLISHED:
        notes = [Note("", text, None, True, None) for text in copies[week_start].notes]
        visit_scores: VisitScores = {
            (store.pk, week): copies[week].visit_scores for week in (previous_week, week_start) if week in copies
        }
    else:
        notes = notes_of(store=store, week_start=week_start, approved_only=approved_only, audience=audience)
        visit_scores = visit_scores_by_week(
            stores=[store.pk], weeks=[previous_week, week_start], approved_only=approved_only
        )
    return StoreReport(
        store=store,
        week_start=week_start,
        approved_only=approved_only,
        figures=own_figures(week_start),
        shrunk_soi=standing.shrunk_soi,
        rank=standing.rank,
        rank_low=standing.rank_low,
        rank_high=standing.rank_high,
        n_ranked=n_ranked,
        previous=own_figures(week_start - dt.timedelta(weeks=1)),
        region=shown(per_region.get(store.region_id, empty)),
        company=shown(company),
        trend=[
            WeekPoint(
                week_start=week,
                figures=own_figures(week),
                region_soi=region_means.get((week, store.region_id)),
                company_soi=company_means.get(week),
                revised_on=revised_on(week),
            )
            for week in weeks
        ],
        notes=notes,
        audience=audience,
        published_at=published,
        in_progress=in_progress,
        comparison_from=comparison_from,
        recent_soi=recent_samples(
            [(t.n_visits, t.soi_sum, t.soi_sum_squares) for t in (own.get(week, empty) for week in weeks)]
        ),
        withheld=view.withheld(figures_of(week_totals, rubrics), week_totals),
        visit_scores=visit_scores,
        revised_on=revised_on(week_start),
    )
