"""A submission's rows in one statement (PostgreSQL): the visit, its audit row, its interactions,
their audit rows and the outbox rows of its follow-up work.

Written through the ORM this is five INSERTs, each compiled by Django on every request, inside
BEGIN ... COMMIT: seven round trips, and the compiling was the largest single cost of a submission
in the web process. Here the five INSERTs are the parts of one data-modifying WITH statement: one
round trip, atomic on its own (no BEGIN or COMMIT needed), its text built once per shape from the
models' metadata (public `_meta` API), so a field added to a model is written without a change
here; a field of an audit model this module does not know how to fill stops it at the first
submission (and in the tests) instead of writing a wrong row.

The audit rows are the rows just inserted (`RETURNING *`), copied into the history tables with the
same date, type "+" (created) and user as django-simple-history writes, so a later correction keeps
the original. Foreign keys are checked by PostgreSQL as for any INSERT, and a taken visit id raises
IntegrityError like the ORM's INSERT, which is how replays are recognised. Other databases (SQLite)
take the ORM path in `observations.services`.

Each value is what the ORM's INSERT would write: the field's `pre_save(obj, add=True)` (an
`auto_now` date, a slug), then `get_db_prep_save`; generated fields are left to the database, and a
field left to its `db_default` is written as DEFAULT; both are read back onto the objects, as
`Model.save()` does. A PostgreSQL test submits the same visit through both paths and compares the
rows column by column; another fails when a `pre_save`/`post_save` receiver other than the audit
trail's is connected to these models (this statement sends no model signals).

Apps above observations add parts of their own to the statement (`register`): the reports add the
visit's share to its store-week's and region-week's rollups, so a submission's figures are current
when it commits and no follow-up work is recorded for them (the outbox kind a part `replaces`).
"""

# The statement's text is built from the models' table and column names only (quoted); every value
# is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault

from core.inserts import insert_rows, read_back_fields, written_fields
from core.models import OutboxItem
from core.prepared import prepared_cursor
from stores.models import User

from .models import Interaction, Visit

# Filled from the statement's parameters rather than copied from the inserted row.
HISTORY_VALUES = {"history_date": "%(history_date)s", "history_type": "'+'", "history_user": "%(history_user)s"}


def _history_select(model: type[Model], source: str) -> tuple[str, str]:
    """Columns of the model's history table and the SELECT list filling them from `source`."""
    history = model.history.model  # type: ignore[attr-defined]
    tracked = {f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns, values = [], []
    for field in written_fields(history):
        if field.name in HISTORY_VALUES:
            value = HISTORY_VALUES[field.name]
        elif field.name == "history_change_reason":
            value = "NULL"
        elif field.column in tracked:
            value = f"{source}.{quote(field.column)}"
        else:
            raise ImproperlyConfigured(f"{history.__name__}.{field.name}: no value for it in a submission's audit row")
        columns.append(quote(field.column))
        values.append(value)
    return ", ".join(columns), ", ".join(values)


@dataclass(frozen=True)
class Part:
    """What another app adds to every submission's statement: `ctes` gives its WITH parts (constant
    text; they may read the `visit` part's RETURNING row; their parameters' names start with
    `name`), `params` their values for one visit and its interactions. `replaces`: the outbox kind
    of follow-up work that the part makes unnecessary for a new visit."""

    name: str
    ctes: Callable[[], list[str]]
    params: Callable[[Visit, Sequence[Interaction]], dict]
    replaces: str


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    """Add a part to every submission's statement (an app's `ready()`)."""
    _parts[part.name] = part
    _statement.cache_clear()


def replaced_kinds() -> frozenset[str]:
    """Outbox kinds a new visit needs no follow-up work of, its statement doing it (PostgreSQL)."""
    return frozenset(part.replaces for part in _parts.values())


def _values(model: type[Model], rows: int, name: str, defaults: frozenset[str]) -> tuple[str, str]:
    """Column list and `rows` VALUES tuples of named parameters (`name`_<row>_<column>), DEFAULT
    for the parameters named in `defaults`."""
    quote = connection.ops.quote_name
    fields = written_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)

    def placeholder(key: str) -> str:
        return "DEFAULT" if key in defaults else f"%({key})s"

    tuples = ", ".join(
        "(" + ", ".join(placeholder(f"{name}_{row}_{f.column}") for f in fields) + ")" for row in range(rows)
    )
    return columns, tuples


_NAMED = re.compile(r"%\((\w+)\)s")


def _numbered(text: str) -> tuple[str, tuple[str, ...]]:
    """The statement with PostgreSQL's numbered parameters ($1, $2, ...) in place of the named
    ones (`%(name)s`, a name used twice keeps its number), and the names in the order of their
    numbers. psycopg converts named parameters on every execute, and caches the conversion only for
    statements under 4,096 characters and 50 parameters; this one has several times both, so the
    conversion (a regular-expression pass over the whole text) ran on every submission."""
    numbers: dict[str, int] = {}

    def number(match: re.Match) -> str:
        return f"${numbers.setdefault(match[1], len(numbers) + 1)}"

    numbered = _NAMED.sub(number, text)
    if "%" in numbered.replace("%%", ""):
        raise ImproperlyConfigured(f"a submission's statement has a placeholder other than %(name)s: {text}")
    return numbered.replace("%%", "%"), tuple(numbers)


@functools.lru_cache(maxsize=64)
def _statement(
    n_interactions: int, n_outbox: int, defaults: frozenset[str] = frozenset()
) -> tuple[str, tuple[str, ...]]:
    """The statement's text with numbered parameters, and the names of its parameters in order."""
    quote = connection.ops.quote_name
    tables = {model: quote(model._meta.db_table) for model in (Visit, Interaction, OutboxItem)}
    visit_columns, visit_values = _values(Visit, 1, "visit", defaults)
    interaction_columns, interaction_values = _values(Interaction, n_interactions, "interaction", defaults)
    outbox_columns, outbox_values = _values(OutboxItem, n_outbox, "outbox", defaults)
    visit_history_columns, visit_history_values = _history_select(Visit, "visit")
    interaction_history_columns, interaction_history_values = _history_select(Interaction, "interactions")
    parts = [
        f"visit AS (INSERT INTO {tables[Visit]} ({visit_columns}) VALUES {visit_values} RETURNING *)",
        f"visit_history AS (INSERT INTO {quote(Visit.history.model._meta.db_table)} ({visit_history_columns})"  # type: ignore[attr-defined]
        f" SELECT {visit_history_values} FROM visit)",
        f"interactions AS (INSERT INTO {tables[Interaction]} ({interaction_columns}) VALUES {interaction_values}"
        " RETURNING *)",
        f"interaction_history AS (INSERT INTO {quote(Interaction.history.model._meta.db_table)}"  # type: ignore[attr-defined]
        f" ({interaction_history_columns}) SELECT {interaction_history_values} FROM interactions)",
    ]
    if n_outbox:
        parts.append(
            f"outbox AS (INSERT INTO {tables[OutboxItem]} ({outbox_columns}) VALUES {outbox_values} RETURNING id)"
        )
    for part in _parts.values():
        parts.extend(part.ctes())
    outbox_ids = "(SELECT array_agg(id ORDER BY id) FROM outbox)" if n_outbox else "'{}'::bigint[]"
    return _numbered(
        "WITH "
        + ",\n".join(parts)
        + f"\nSELECT (SELECT array_agg(id ORDER BY {quote('position')}) FROM interactions), {outbox_ids}"
    )


def _params(model: type[Model], objects: Sequence[Model], name: str) -> dict:
    fields = written_fields(model)
    return {
        f"{name}_{row}_{field.column}": value
        for row, values in enumerate(insert_rows(fields, objects))
        for field, value in zip(fields, values, strict=True)
    }


def insert_submission(
    visit: Visit,
    interactions: Sequence[Interaction],
    outbox_items: Sequence[OutboxItem],
    *,
    user: User,
    at: dt.datetime,
) -> None:
    """Insert the rows (one statement); the objects get their ids and count as saved."""
    params = {
        **_params(Visit, [visit], "visit"),
        **_params(Interaction, interactions, "interaction"),
        **_params(OutboxItem, outbox_items, "outbox"),
        "history_date": at,
        "history_user": user.pk,
    }
    defaults = frozenset(key for key, value in params.items() if isinstance(value, DatabaseDefault))
    for key in defaults:
        del params[key]
    for part in _parts.values():
        params.update(part.params(visit, interactions))
    text, names = _statement(len(interactions), len(outbox_items), defaults)
    with prepared_cursor() as cursor:
        cursor.execute(text, [params[name] for name in names])
        interaction_ids, outbox_ids = cursor.fetchone()
    for obj, pk in [
        (visit, visit.pk),
        *zip(interactions, interaction_ids, strict=True),
        *zip(outbox_items, outbox_ids, strict=True),
    ]:
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    for model, objects in ((Visit, [visit]), (Interaction, interactions), (OutboxItem, outbox_items)):
        _read_back(model, objects)


def _read_back(model: type[Model], objects: Sequence[Model]) -> None:
    """Set what the database decided (generated fields, database defaults) on the objects, as
    `Model.save()` does; one query per model, and none while no model has such a field."""
    fields = read_back_fields(model)
    if not fields or not objects:
        return
    stored = {
        row["pk"]: row
        for row in model._default_manager.filter(pk__in=[obj.pk for obj in objects]).values(
            "pk", *(f.attname for f in fields)
        )
    }
    for obj in objects:
        for field in fields:
            setattr(obj, field.attname, stored[obj.pk][field.attname])
