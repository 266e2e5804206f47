"""What a submission reads before it writes, in one statement (PostgreSQL): the store, if the
observer may record visits for it; the rubric in force; and, for a shopper, the start of their
other visit to the store closest in time to this one within the repeat window.

Apart, these were three reads on every submission: the scoped store lookup (a query), the rubric
in force (a read from the Redis cache and an unpickled model) and the repeat-visit check (a
query). Here they are one round trip to the database, and the rubric is read as it is at that
moment (no cached copy); the statement is prepared once per connection, as the submission's
insert is (`core.prepared`). Each part is the SQL of the function it stands for:
`stores.selectors.observable_store_query` for the store, `selectors.closest_start_sql` for the
repeat check, and the newest rubric version, as `Rubric.in_force` reads it; a test compares the
three with those functions for every role. Other databases (SQLite) call the three functions.
"""

# The statement's text is built from the models' table and column names and the other selectors'
# SQL; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass

from django.db import connection

from core.prepared import numbered, prepared_cursor
from stores.models import Role, Store, User
from stores.selectors import observable_store, observable_store_query

from .models import Rubric
from .plausibility import REPEAT_WINDOW
from .selectors import closest_repeat_visit_start, closest_start_sql


@dataclass(frozen=True)
class SubmissionReads:
    store: Store
    rubric: Rubric
    closest_start: dt.datetime | None  # None also for observers other than shoppers (not checked)


def submission_reads(
    observer: User, store_code: str, *, started_at: dt.datetime, visit_id: uuid.UUID
) -> SubmissionReads | None:
    """None when the observer may not record visits for a store of this code."""
    shopper = observer.role == Role.SHOPPER
    if connection.vendor != "postgresql":
        store = observable_store(observer, store_code)
        if store is None:
            return None
        closest = None
        if shopper:
            closest = closest_repeat_visit_start(
                observer_id=observer.pk,
                store_id=store.pk,
                started_at=started_at,
                window=REPEAT_WINDOW,
                other_than=visit_id,
            )
        return SubmissionReads(store, Rubric.in_force(), closest)
    query = observable_store_query(observer, store_code)
    if query is None:
        return None
    store_sql, params = query
    if shopper:
        params = [*params, observer.pk, started_at - REPEAT_WINDOW, started_at + REPEAT_WINDOW, visit_id, started_at]
    with prepared_cursor() as cursor:
        cursor.execute(_statement(store_sql, shopper), params)
        row = cursor.fetchone()
    if row is None:
        return None
    store_fields, rubric_fields = _fields()
    store = Store.from_db(connection.alias, store_fields, row[: len(store_fields)])
    rubric_values = row[len(store_fields) : len(store_fields) + len(rubric_fields)]
    if rubric_values[0] is None:  # no rubric at all (a flushed database): in_force makes version 1
        rubric = Rubric.in_force()
    else:
        rubric = Rubric.from_db(connection.alias, rubric_fields, rubric_values)
    return SubmissionReads(store, rubric, row[-1] if shopper else None)


@functools.cache
def _fields() -> tuple[list[str], list[str]]:
    return (
        [field.attname for field in Store._meta.concrete_fields],
        [field.attname for field in Rubric._meta.concrete_fields],
    )


@functools.cache
def _statement(store_sql: str, shopper: bool) -> str:
    quote = connection.ops.quote_name
    store_columns = [f"store.{quote(field.column)}" for field in Store._meta.concrete_fields]
    rubric_columns = [quote(field.column) for field in Rubric._meta.concrete_fields]
    selected = [*store_columns, *(f"rubric.{column}" for column in rubric_columns)]
    if shopper:
        selected.append(f"({closest_start_sql('store.' + quote(Store._meta.pk.column))})")
    newest_rubric = (
        f"SELECT {', '.join(rubric_columns)} FROM {quote(Rubric._meta.db_table)}"
        f" ORDER BY {quote(Rubric._meta.get_field('version').column)} DESC LIMIT 1"
    )
    return numbered(
        f"WITH store AS ({store_sql}) SELECT {', '.join(selected)} FROM store LEFT JOIN ({newest_rubric}) rubric ON true"
    )
