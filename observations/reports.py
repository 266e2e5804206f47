"""Report assembly: the store weekly report and the branch comparison, from the rollups.

Plain functions returning plain dataclasses; views, the API and CSV export only present them.
Every function reads a constant number of queries whatever the number of stores or visits
(see tests/reports/test_query_counts.py). Figures follow DESIGN.md's reference scoring and stay
unrounded here: rounding to one decimal happens where they are shown (`Figures.as_dict`, templates).

Callers pass stores that are already scoped to the user (`stores.selectors.stores_reportable_to`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from stores.models import Region, Role, Store, User
from stores.selectors import stores_reportable_to

from . import scoring
from .models import Interaction, ObserverRole, RollupScope, Rubric, StoreWeekRollup, Visit
from .rollups import ROLLUP_FIELDS, Totals

TREND_WEEKS = 12
MAX_PERIOD_WEEKS = 104
# Below this many visits a store's figures are marked as resting on too few visits: fewer visits
# than the shrinkage adds, so its league position is mostly the company mean.
FEW_VISITS = scoring.SHRINKAGE_VISITS
# A dimension or rate is mentioned in "what changed" when it moved at least this many points.
NOTABLE_CHANGE = 5.0

SORT_KEYS: tuple[str, ...] = (
    "rank",
    "store",
    "name",
    "region",
    "soi",
    "shrunk_soi",
    "n_visits",
    "n_interactions",
    *scoring.DIMENSIONS,
    "greeting_rate",
    "smile_rate",
    "hovering_rate",
    "median_greeting_seconds",
    "median_response_seconds",
)

# The columns of a store row, in the order of the branch CSV and the API's `stores` objects.
FIGURE_KEYS: tuple[str, ...] = (
    "soi",
    "band",
    "n_visits",
    "n_interactions",
    "ci_low",
    "ci_high",
    *scoring.DIMENSIONS,
    "greeting_rate",
    "smile_rate",
    "hovering_rate",
    "median_greeting_seconds",
    "median_response_seconds",
)
STORE_ROW_KEYS: tuple[str, ...] = (
    "store",
    "name",
    "region",
    *FIGURE_KEYS[:6],
    "shrunk_soi",
    "rank",
    *FIGURE_KEYS[6:],
    "few_visits",
)


# --- Parameters ---------------------------------------------------------------------------------


class ReportParamError(ValueError):
    """A query parameter breaks a rule; `field` names the parameter, `message` the rule."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_label(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str, param: str = "week") -> dt.date:
    """`2026-W47` -> the Monday of that ISO week."""
    match = _ISO_WEEK.match(value.strip())
    if not match:
        raise ReportParamError(param, "must be an ISO week like 2026-W47.")
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ReportParamError(param, f"{value} is not a week of that year (weeks run 01 to 52 or 53).") from None


def parse_week_or_date(value: str, param: str) -> dt.date:
    """An ISO week (`2026-W47`) or a date (`2026-11-18`, meaning its week) -> that week's Monday."""
    value = value.strip()
    if _ISO_WEEK.match(value):
        return parse_week(value, param)
    if _ISO_DATE.match(value):
        try:
            return monday_of(dt.date.fromisoformat(value))
        except ValueError:
            raise ReportParamError(param, f"{value} is not a calendar date.") from None
    raise ReportParamError(param, "must be an ISO week like 2026-W47 or a date like 2026-11-18.")


def last_complete_week(now: dt.datetime | None = None) -> dt.date:
    """The default report week: the last full Monday..Sunday week in the company's time zone."""
    today = timezone.localtime(now or timezone.now()).date()
    return monday_of(today) - dt.timedelta(weeks=1)


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks, from the week starting `first` to the week starting `last` (Mondays)."""

    first: dt.date
    last: dt.date

    @property
    def weeks(self) -> list[dt.date]:
        return [self.first + dt.timedelta(weeks=i) for i in range((self.last - self.first).days // 7 + 1)]

    @property
    def is_single_week(self) -> bool:
        return self.first == self.last

    @property
    def end(self) -> dt.date:
        """The Sunday that ends the period."""
        return self.last + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        if self.is_single_week:
            return week_label(self.first)
        return f"{week_label(self.first)}/{week_label(self.last)}"


def parse_period(query: Mapping[str, str], now: dt.datetime | None = None) -> Period:
    """`week=2026-W47`, or `from=...&to=...` (weeks or dates, whole weeks), or the last complete week."""
    week, first, last = query.get("week"), query.get("from"), query.get("to")
    if week and (first or last):
        raise ReportParamError("week", "give either week or from/to, not both.")
    if week:
        monday = parse_week(week)
        return Period(monday, monday)
    if first or last:
        if not (first and last):
            raise ReportParamError("from" if not first else "to", "from and to must be given together.")
        start, end = parse_week_or_date(first, "from"), parse_week_or_date(last, "to")
        if end < start:
            raise ReportParamError("to", "must not be before from.")
        period = Period(start, end)
        if len(period.weeks) > MAX_PERIOD_WEEKS:
            raise ReportParamError("to", f"a period spans at most {MAX_PERIOD_WEEKS} weeks.")
        return period
    monday = last_complete_week(now)
    return Period(monday, monday)


def parse_approved_only(query: Mapping[str, str], *, may_choose: bool) -> bool:
    """The setting decides; head office may override it with `approved_only=true|false`."""
    value = query.get("approved_only")
    if value is None or value == "":
        return settings.OASIS_REPORTS_APPROVED_ONLY
    if not may_choose:
        raise ReportParamError("approved_only", "only head office may choose which visits count.")
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ReportParamError("approved_only", "must be true or false.")


def parse_sort(query: Mapping[str, str]) -> tuple[str, bool]:
    """`sort=soi` ascending, `sort=-soi` descending; default: by rank."""
    value = (query.get("sort") or "rank").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORT_KEYS:
        raise ReportParamError("sort", f"must be one of {', '.join(SORT_KEYS)} (prefix - for descending).")
    return key, descending


def branch_stores(user: User, region_code: str | None) -> QuerySet[Store]:
    """The stores of a branch comparison: head office all, supervisors their regions (403 for
    other roles); `region` narrows to one region (unknown: 400, not supervised: 404)."""
    if user.role not in (Role.HEAD_OFFICE, Role.SUPERVISOR):
        raise PermissionDenied
    stores = stores_reportable_to(user)
    if region_code:
        region = Region.objects.filter(code=region_code.strip()).first()
        if region is None:
            raise ReportParamError("region", f"there is no region with the code {region_code!r}.")
        if user.role != Role.HEAD_OFFICE and not user.regions.filter(pk=region.pk).exists():
            raise Http404
        stores = stores.filter(region=region)
    return stores


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The figures of one store, region or the company over a period (unrounded; None = no data)."""

    n_visits: int
    n_interactions: int
    soi: float | None
    band: str | None
    ci_low: float | None
    ci_high: float | None
    greeting: float | None
    smile: float | None
    hovering: float | None
    response: float | None
    greeting_rate: float | None
    smile_rate: float | None
    hovering_rate: float | None
    median_greeting_seconds: float | None
    median_response_seconds: float | None

    def dimension(self, name: str) -> float | None:
        return getattr(self, name)

    def as_dict(self) -> dict:
        """For JSON and CSV: numbers to one decimal."""
        return {
            key: (scoring.round1(value) if isinstance(value, float) else value)
            for key, value in ((key, getattr(self, key)) for key in FIGURE_KEYS)
        }


def figures_of(totals: Totals, rubric: scoring.RubricParams) -> Figures:
    soi = totals.soi
    interval = totals.confidence_interval()
    return Figures(
        n_visits=totals.n_visits,
        n_interactions=totals.n_interactions,
        soi=soi,
        band=scoring.band(soi, rubric),
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        **{name: totals.dimension(name) for name in scoring.DIMENSIONS},
        greeting_rate=totals.rate(totals.n_greeted),
        smile_rate=totals.rate(totals.n_smiling),
        hovering_rate=totals.rate(totals.n_hovering),
        median_greeting_seconds=scoring.median_or_none(totals.greeting_seconds),
        median_response_seconds=scoring.median_or_none(totals.response_seconds),
    )


def _scope(approved_only: bool) -> str:
    return RollupScope.APPROVED if approved_only else RollupScope.COUNTED


def _rubric() -> scoring.RubricParams:
    rubric = Rubric.in_force()
    return rubric.params() if rubric else scoring.DEFAULT_RUBRIC


@dataclass(frozen=True)
class Standing:
    shrunk_soi: float | None
    rank: int | None


def standings(store_totals: Mapping[int, Totals], company_mean: float | None) -> tuple[dict[int, Standing], int]:
    """League positions by shrunk score, over every store with counted visits (competition
    ranking: equal scores share a rank). Returns the standings and the number of ranked stores."""
    shrunk = {
        store_id: scoring.shrunk_soi(totals.soi, totals.n_visits, company_mean)
        for store_id, totals in store_totals.items()
        if totals.n_visits
    }
    ordered = sorted(shrunk.values(), reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {store_id: Standing(value, first_position[value]) for store_id, value in shrunk.items()}, len(ordered)


def _sum_rows(rows: Iterable[Mapping]) -> tuple[dict[int, Totals], dict[int, Totals], Totals]:
    """Totals per store, per region and for the company from rollup rows."""
    per_store: dict[int, Totals] = defaultdict(Totals)
    per_region: dict[int, Totals] = defaultdict(Totals)
    company = Totals()
    for row in rows:
        totals = Totals.of(row)  # `add` copies from it, never into it
        per_store[row["store_id"]].add(totals)
        per_region[row["store__region_id"]].add(totals)
        company.add(totals)
    return per_store, per_region, company


def _rollup_rows(*, scope: str, weeks: list[dt.date]) -> list[dict]:
    """Every store's rollups in the weeks (company and region means need them all)."""
    return list(
        StoreWeekRollup.objects.filter(scope=scope, week_start__in=weeks).values(
            "store_id", "store__region_id", *ROLLUP_FIELDS
        )
    )


def _trend_weeks(last: dt.date) -> list[dt.date]:
    return [last - dt.timedelta(weeks=i) for i in range(TREND_WEEKS - 1, -1, -1)]


def _mean_by_week_and_region(*, scope: str, weeks: list[dt.date]) -> tuple[dict, dict]:
    """SOI means per (week, region) and per week for the company, from one grouped query."""
    by_region: dict[tuple[dt.date, int], float] = {}
    sums: dict[dt.date, list[float]] = defaultdict(lambda: [0, 0.0])
    grouped = (
        StoreWeekRollup.objects.filter(scope=scope, week_start__in=weeks)
        .values("week_start", "store__region_id")
        .annotate(n=Sum("n_visits"), total=Sum("soi_sum"))
        .order_by()
    )
    for row in grouped:
        if row["n"]:
            by_region[(row["week_start"], row["store__region_id"])] = row["total"] / row["n"]
        sums[row["week_start"]][0] += row["n"]
        sums[row["week_start"]][1] += row["total"]
    company = {week: total / n for week, (n, total) in sums.items() if n}
    return by_region, company


# --- Store weekly report ------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoint:
    """One week of the store's trend, with the region and company means of that week."""

    week_start: dt.date
    figures: Figures
    region_soi: float | None
    company_soi: float | None

    @property
    def label(self) -> str:
        return week_label(self.week_start)


@dataclass(frozen=True)
class Note:
    """A note from a visit or one of its interactions. Whose it is stays hidden: only the kind of
    observer and the day are kept (not the time, which could point to a person on the floor)."""

    observer_role: str
    day: dt.date
    text: str
    interaction: int | None = None

    @property
    def observer_label(self) -> str:
        return _("mystery shopper") if self.observer_role == ObserverRole.SHOPPER else _("supervisor")


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
    def few_visits(self) -> bool:
        return self.figures.n_visits < FEW_VISITS

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


def _label(figure: str) -> str:
    return {
        "soi": _("The Service Oasis Index"),
        "greeting": _("Greeting"),
        "smile": _("Smile"),
        "hovering": _("Room to browse (hovering)"),
        "response": _("Response to questions"),
        "greeting_rate": _("The greeting rate"),
        "smile_rate": _("The smile rate"),
        "hovering_rate": _("The hovering rate"),
    }[figure]


def band_label(band: str | None) -> str:
    return {"oasis": _("oasis"), "steppe": _("steppe"), "desert": _("desert")}.get(band or "", _("no band"))


def describe_changes(report: StoreReport) -> list[str]:
    """What changed since last week, in plain words of the active language."""
    if not report.figures.n_visits:
        return [_("No visits were counted this week.")]
    if not report.previous.n_visits:
        return [_("No visits were counted the week before, so there is nothing to compare with.")]
    sentences = []
    for change in report.changes:
        values = {
            "figure": _label(change.figure),
            # number_format cuts digits off; round first so the text matches the tables
            "before": number_format(scoring.round1(change.before), 1),
            "after": number_format(scoring.round1(change.after), 1),
            "delta": number_format(scoring.round1(abs(change.delta)), 1),
        }
        is_rate = change.figure.endswith("_rate")
        if round(change.delta, 1) == 0:
            sentences.append(_("%(figure)s held steady at %(after)s.") % values)
        elif change.delta > 0:
            template = (
                _("%(figure)s rose by %(delta)s percentage points to %(after)s %% (from %(before)s %%).")
                if is_rate
                else _("%(figure)s rose by %(delta)s points to %(after)s (from %(before)s).")
            )
            sentences.append(template % values)
        else:
            template = (
                _("%(figure)s fell by %(delta)s percentage points to %(after)s %% (from %(before)s %%).")
                if is_rate
                else _("%(figure)s fell by %(delta)s points to %(after)s (from %(before)s).")
            )
            sentences.append(template % values)
    if report.previous.band != report.figures.band:
        sentences.append(
            _("The store moved from %(before)s to %(after)s.")
            % {"before": band_label(report.previous.band), "after": band_label(report.figures.band)}
        )
    if len(sentences) == 1 and report.changes:
        sentences.append(
            _("No dimension or rate moved by %(points)s points or more.") % {"points": number_format(NOTABLE_CHANGE, 0)}
        )
    return sentences


def _notes(*, store: Store, week_start: dt.date, approved_only: bool) -> list[Note]:
    counted = Visit.objects.counted(approved_only=approved_only).filter(store=store, week_start=week_start)
    tz = store.tzinfo
    notes = [
        Note(role, started_at.astimezone(tz).date(), text)
        for role, started_at, text in counted.exclude(notes="")
        .order_by("started_at", "pk")
        .values_list("observer_role", "started_at", "notes")
    ]
    notes += [
        Note(role, started_at.astimezone(tz).date(), text, position)
        for role, started_at, position, text in Interaction.objects.filter(visit__in=counted)
        .exclude(notes="")
        .order_by("visit__started_at", "visit_id", "position")
        .values_list("visit__observer_role", "visit__started_at", "position", "notes")
    ]
    notes.sort(key=lambda note: (note.day, note.interaction or 0))
    return notes


def store_weekly_report(*, store: Store, week_start: dt.date, approved_only: bool) -> StoreReport:
    """The weekly report of one store (already scoped). Six queries: the rubric, the store's 12
    weeks, every store's rollups of the week (rank, region and company), region and company means
    per week of the trend, the visits' notes and the interactions' notes."""
    rubric = _rubric()
    scope = _scope(approved_only)
    weeks = _trend_weeks(week_start)
    own = {
        row.week_start: Totals.of(row)
        for row in StoreWeekRollup.objects.filter(store=store, scope=scope, week_start__in=weeks)
    }
    per_store, per_region, company = _sum_rows(_rollup_rows(scope=scope, weeks=[week_start]))
    ranks, n_ranked = standings(per_store, company.soi)
    region_means, company_means = _mean_by_week_and_region(scope=scope, weeks=weeks)
    standing = ranks.get(store.pk, Standing(None, None))
    empty = Totals()
    return StoreReport(
        store=store,
        week_start=week_start,
        approved_only=approved_only,
        figures=figures_of(own.get(week_start, empty), rubric),
        shrunk_soi=standing.shrunk_soi,
        rank=standing.rank,
        n_ranked=n_ranked,
        previous=figures_of(own.get(week_start - dt.timedelta(weeks=1), empty), rubric),
        region=figures_of(per_region.get(store.region_id, empty), rubric),
        company=figures_of(company, rubric),
        trend=[
            WeekPoint(
                week_start=week,
                figures=figures_of(own.get(week, empty), rubric),
                region_soi=region_means.get((week, store.region_id)),
                company_soi=company_means.get(week),
            )
            for week in weeks
        ],
        notes=_notes(store=store, week_start=week_start, approved_only=approved_only),
    )


# --- Branch comparison --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    week_start: dt.date
    soi: float | None
    n_visits: int


@dataclass(frozen=True)
class StoreRow:
    store: Store
    figures: Figures
    shrunk_soi: float | None
    rank: int | None
    trend: list[TrendPoint]

    @property
    def few_visits(self) -> bool:
        return self.figures.n_visits < FEW_VISITS

    def value(self, key: str):
        if key == "store":
            return self.store.code
        if key == "name":
            return self.store.name
        if key == "region":
            return self.store.region.code
        if key in ("shrunk_soi", "rank", "few_visits"):
            return getattr(self, key)
        return getattr(self.figures, key)

    def as_dict(self) -> dict:
        figures = self.figures.as_dict()
        values = {"store": self.store.code, "name": self.store.name, "region": self.store.region.code}
        values |= {"shrunk_soi": scoring.round1(self.shrunk_soi), "rank": self.rank, "few_visits": self.few_visits}
        return {key: values[key] if key in values else figures[key] for key in STORE_ROW_KEYS}


@dataclass(frozen=True)
class RegionSummary:
    region: Region
    figures: Figures
    band_counts: dict[str, int]


@dataclass(frozen=True)
class BranchReport:
    period: Period
    approved_only: bool
    sort: str
    descending: bool
    company: Figures
    regions: list[RegionSummary]
    stores: list[StoreRow]
    n_ranked: int
    trend_weeks: list[dt.date]
    company_trend: dict[dt.date, float] = field(default_factory=dict)

    @property
    def band_counts(self) -> dict[str, int]:
        return _band_counts(self.stores)


def _band_counts(rows: Iterable[StoreRow]) -> dict[str, int]:
    counts = {"oasis": 0, "steppe": 0, "desert": 0, "none": 0}
    for row in rows:
        counts[row.figures.band or "none"] += 1
    return counts


def _sorted(rows: list[StoreRow], key: str, descending: bool) -> list[StoreRow]:
    """Stores without a value go last whatever the direction; ties by store code."""
    rows = sorted(rows, key=lambda row: row.store.code)
    present = [row for row in rows if row.value(key) is not None]
    missing = [row for row in rows if row.value(key) is None]
    return sorted(present, key=lambda row: row.value(key), reverse=descending) + missing


def branch_report(
    *, stores: QuerySet[Store], period: Period, approved_only: bool, sort: str = "rank", descending: bool = False
) -> BranchReport:
    """The league table of `stores` (already scoped, maybe filtered to a region). Five queries:
    the rubric, the stores, every store's rollups in the period (ranks and means are company-wide),
    the table's 12-week trends and the company's weekly means."""
    rubric = _rubric()
    scope = _scope(approved_only)
    table_stores = list(stores.select_related("region").order_by("code"))
    per_store, per_region, company = _sum_rows(_rollup_rows(scope=scope, weeks=period.weeks))
    ranks, n_ranked = standings(per_store, company.soi)
    trend_weeks = _trend_weeks(period.last)
    trends: dict[int, dict[dt.date, TrendPoint]] = defaultdict(dict)
    for store_id, week, n, total in StoreWeekRollup.objects.filter(
        scope=scope, week_start__in=trend_weeks, store__in=stores.order_by().values("pk")
    ).values_list("store_id", "week_start", "n_visits", "soi_sum"):
        trends[store_id][week] = TrendPoint(week, total / n if n else None, n)
    _by_region, company_trend = _mean_by_week_and_region(scope=scope, weeks=trend_weeks)
    empty = Totals()
    rows = []
    for store in table_stores:
        if not store.is_active and store.pk not in per_store:
            continue  # a closed store stays in the table only for periods it has visits in
        standing = ranks.get(store.pk, Standing(None, None))
        rows.append(
            StoreRow(
                store=store,
                figures=figures_of(per_store.get(store.pk, empty), rubric),
                shrunk_soi=standing.shrunk_soi,
                rank=standing.rank,
                trend=[trends[store.pk].get(week, TrendPoint(week, None, 0)) for week in trend_weeks],
            )
        )
    regions = {store.region_id: store.region for store in table_stores}
    summaries = [
        RegionSummary(
            region=region,
            figures=figures_of(per_region.get(region.pk, empty), rubric),
            band_counts=_band_counts(row for row in rows if row.store.region_id == region.pk),
        )
        for region in sorted(regions.values(), key=lambda region: region.code)
    ]
    return BranchReport(
        period=period,
        approved_only=approved_only,
        sort=sort,
        descending=descending,
        company=figures_of(company, rubric),
        regions=summaries,
        stores=_sorted(rows, sort, descending),
        n_ranked=n_ranked,
        trend_weeks=trend_weeks,
        company_trend=company_trend,
    )
