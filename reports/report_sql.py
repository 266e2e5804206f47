"""The store weekly report's statements, written out: the rules stay where they are defined
(`counted_statuses`, `reports.notes`, `reports.samples`, `reports.totals`), this module only says
them in SQL. Composed, compiled and run through the ORM, the report's eight statements cost more
Python than the database spent on them (about 27 filters a request); here they are five fixed
statements whose text is built from the models' table and column names. Each is tested against
the queryset it replaces (`tests/reports/test_report_sql.py`), on SQLite and on PostgreSQL.

Portable SQL: SQLite hands dates and times back as text, which `_day` and `_moment` read."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from functools import cache

from django.db import connection
from django.db.models import Model

from observations import scoring
from observations.models import Interaction, Visit
from stores.models import Region

from .models import PublishedRegionWeek, PublishedStoreWeek, RegionWeekRollup, StoreWeekRollup
from .totals import HOVERING_APPROACHES_FROM, LIST_FIELDS, ROLLUP_FIELDS, SMILING_FROM, Totals


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str, alias: str) -> str:
    return f"{alias}.{connection.ops.quote_name(model._meta.get_field(name).column)}"


def _marks(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _day(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _moment(value: dt.datetime | str) -> dt.datetime:
    """A stored time, aware (SQLite keeps UTC as text without a zone)."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


# The store's weeks and the region-week rows: one statement ------------------------------------


@cache
def _rollups_sql(
    n_weeks: int,
    store_model: type[StoreWeekRollup] | type[PublishedStoreWeek] = StoreWeekRollup,
    region_model: type[RegionWeekRollup] | type[PublishedRegionWeek] = RegionWeekRollup,
) -> str:
    # The store's rows (kind 0) with every field; the region rows (kind 1) of every week, their
    # seconds only for the report's week (the trend needs their visits and SOI sums only). Ordered
    # as the querysets it replaces were (the models' ordering: region code, week), so that the
    # company's sums add up in the same order.
    store_fields = ", ".join(_column(store_model, name, "s") for name in ROLLUP_FIELDS)
    region_fields = ", ".join(
        f"CASE WHEN r.week_start = %s THEN {_column(region_model, name, 'r')} END"
        if name in LIST_FIELDS
        else _column(region_model, name, "r")
        for name in ROLLUP_FIELDS
    )
    weeks = _marks(range(n_weeks))
    return (
        f"SELECT 0, '', {_column(store_model, 'week_start', 's')}, {_column(store_model, 'store', 's')}, "  # noqa: S608 (names from the models)
        f"{store_fields} FROM {_table(store_model)} s "
        f"WHERE {_column(store_model, 'store', 's')} = %s AND {_column(store_model, 'scope', 's')} = %s "
        f"AND {_column(store_model, 'week_start', 's')} IN ({weeks}) "
        "UNION ALL "
        f"SELECT 1, {_column(Region, 'code', 'g')}, {_column(region_model, 'week_start', 'r')}, "
        f"{_column(region_model, 'region', 'r')}, {region_fields} FROM {_table(region_model)} r "
        f"JOIN {_table(Region)} g ON {_column(Region, 'id', 'g')} = {_column(region_model, 'region', 'r')} "
        f"WHERE {_column(region_model, 'scope', 'r')} = %s AND {_column(region_model, 'week_start', 'r')} "
        f"IN ({weeks}) ORDER BY 1, 2, 3"
    )


def _totals(values: Sequence) -> Totals:
    row = dict(zip(ROLLUP_FIELDS, values, strict=True))
    for name in LIST_FIELDS:
        row[name] = json.loads(row[name]) if isinstance(row[name], str) else row[name]
    return Totals.of(row)


def week_rollups(
    *, store_id: int, scope: str, weeks: list[dt.date], week: dt.date, published: bool = False
) -> tuple[dict[dt.date, Totals], list[tuple[dt.date, int, int, float, Totals | None]]]:
    """The store's rollups of the weeks, as Totals per week, and the region-week rows of the
    weeks in region code order: (week, region id, visits, SOI sum, and for `week` its Totals).
    With `published`, the weeks as published to managers (`reports.revisions`). One query."""
    models = (PublishedStoreWeek, PublishedRegionWeek) if published else (StoreWeekRollup, RegionWeekRollup)
    sql = _rollups_sql(len(weeks), *models)
    n_lists = len(LIST_FIELDS)
    params = [store_id, scope, *weeks, *([week] * n_lists), scope, *weeks]
    own: dict[dt.date, Totals] = {}
    regions: list[tuple[dt.date, int, int, float, Totals | None]] = []
    n_visits, soi_sum = ROLLUP_FIELDS.index("n_visits"), ROLLUP_FIELDS.index("soi_sum")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, _code, week_start, owner, *values in cursor.fetchall():
            day = _day(week_start)
            if kind == 0:
                own[day] = _totals(values)
            else:
                totals = _totals(values) if day == week else None
                regions.append((day, owner, values[n_visits], values[soi_sum], totals))
    return own, regions


# The notes of a store's week: one statement ----------------------------------------------------


@cache
def _notes_sql(reviewed_only: bool, n_statuses: int) -> str:
    visit = {name: _column(Visit, name, "v") for name in ("id", "store", "week_start", "status", "started_at")}
    where = (
        f"{visit['store']} = %s AND {visit['week_start']} = %s AND {visit['status']} IN ({_marks(range(n_statuses))})"
    )
    visit_notes, interaction_notes = _column(Visit, "notes", "v"), _column(Interaction, "notes", "i")
    visit_reviewed, interaction_reviewed = (
        _column(Visit, "reviewed_notes", "v"),
        _column(Interaction, "reviewed_notes", "i"),
    )
    if reviewed_only:
        visit_has = f"{visit_reviewed} <> ''"
        interaction_has = f"{interaction_reviewed} <> ''"
    else:  # a note with neither text is no note (`notes._for_staff`)
        visit_has = f"({visit_notes} <> '' OR {visit_reviewed} <> '')"
        interaction_has = f"({interaction_notes} <> '' OR {interaction_reviewed} <> '')"
    columns = f"{_column(Visit, 'observer_role', 'v')}, {visit['started_at']}, {visit['status']}"
    return (
        f"SELECT 0, {columns}, {visit_notes}, {visit_reviewed}, NULL, {visit['id']} "  # noqa: S608 (names from the models)
        f"FROM {_table(Visit)} v WHERE {where} AND {visit_has} "
        "UNION ALL "
        f"SELECT 1, {columns}, {interaction_notes}, {interaction_reviewed}, {_column(Interaction, 'position', 'i')}, "
        f"{visit['id']} FROM {_table(Interaction)} i JOIN {_table(Visit)} v "
        f"ON {visit['id']} = {_column(Interaction, 'visit', 'i')} WHERE {where} AND {interaction_has} "
        # managers: by the visit's id (random), never by time; staff: by time
        + ("ORDER BY 1, 8, 7" if reviewed_only else "ORDER BY 1, 3, 8, 7")
    )


def note_rows(
    *, store_id: int, week_start: dt.date, statuses: Sequence[str], reviewed_only: bool
) -> list[tuple[str, dt.datetime, str, str, str, int | None]]:
    """The visits' notes, then the interactions' notes, of the store's week's visits of
    `statuses`: (observer role, started at, status, notes, reviewed notes, position or None for
    the visit's own). Only rows with a text (with `reviewed_only`, a reviewed text), the visits
    by start and the interactions by their visit's start and position (with `reviewed_only` by
    the visit's id instead of its start). One query."""
    params = [store_id, week_start, *statuses]
    with connection.cursor() as cursor:
        cursor.execute(_notes_sql(reviewed_only, len(statuses)), params + params)
        return [
            (role, _moment(started_at), status, notes, reviewed, position)
            for _kind, role, started_at, status, notes, reviewed, position, _visit in cursor.fetchall()
        ]


# The counted visits' scores and per-visit rate counts: one statement ---------------------------

SCORE_COLUMNS = ("soi", *(f"{name}_score" for name in scoring.DIMENSIONS))


@cache
def _visit_scores_sql(n_statuses: int, n_stores: int, n_weeks: int) -> str:
    visit = {name: _column(Visit, name, "v") for name in ("id", "store", "week_start", "status", "n_interactions")}
    scores = [_column(Visit, name, "v") for name in SCORE_COLUMNS]
    i = {name: _column(Interaction, name, "i") for name in ("greeted", "smile", "followed", "unsolicited_approaches")}
    grouped = ", ".join([visit["id"], visit["store"], visit["week_start"], visit["n_interactions"], *scores])
    # the rates of `reports.samples.RATE_COUNTS`, as the rollups count them (`reports.totals`)
    return (
        f"SELECT {visit['store']}, {visit['week_start']}, {visit['n_interactions']}, {', '.join(scores)}, "  # noqa: S608 (names from the models)
        f"COUNT(CASE WHEN {i['greeted']} THEN 1 END), "
        f"COUNT(CASE WHEN {i['smile']} >= {SMILING_FROM:d} THEN 1 END), "
        f"COUNT(CASE WHEN {i['followed']} OR {i['unsolicited_approaches']} >= {HOVERING_APPROACHES_FROM:d} THEN 1 END) "
        f"FROM {_table(Visit)} v LEFT JOIN {_table(Interaction)} i ON {_column(Interaction, 'visit', 'i')} = {visit['id']} "
        f"WHERE {visit['status']} IN ({_marks(range(n_statuses))}) AND {visit['store']} IN ({_marks(range(n_stores))}) "
        f"AND {visit['week_start']} IN ({_marks(range(n_weeks))}) GROUP BY {grouped}"
    )


def visit_score_rows(
    *, store_ids: Sequence[int], weeks: Sequence[dt.date], statuses: Iterable[str]
) -> list[
    tuple[int, dt.date, int, float | None, float | None, float | None, float | None, float | None, int, int, int]
]:
    """Per visit of `statuses` of the stores in the weeks: store id, week, interactions, SOI, the
    four dimension scores and the greeted, smiling and hovering interactions. One query."""
    if not store_ids or not weeks:
        return []
    statuses = list(statuses)
    sql = _visit_scores_sql(len(statuses), len(store_ids), len(weeks))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*statuses, *store_ids, *weeks])
        return [(store_id, _day(week), *rest) for store_id, week, *rest in cursor.fetchall()]
