"""Statements that PostgreSQL parses and plans once per connection: those every submission or
every API request sends (the token lookup, a submission's reads and its insert).

Django's own cursors bind the values into the statement's text on the client, so PostgreSQL
parses and plans each one anew, and psycopg never prepares them. `prepared_cursor` sends the
values apart from the text (psycopg's `RawCursor`, which takes PostgreSQL's numbered parameters,
$1, $2, ..., as they are), so that psycopg prepares a statement once the connection has run it
`prepare_threshold` times (psycopg's own option, DATABASE_PREPARE_THRESHOLD in the settings; off
where it is 0, as behind PgBouncer before 1.21 in transaction mode).
"""

from __future__ import annotations

import functools

import psycopg
from django.db import connection


def prepared_cursor():
    """A psycopg `RawCursor` on Django's connection, wrapped as Django wraps its own cursors:
    errors are Django's (a taken id is an IntegrityError) and each statement is logged and counted
    like any other. PostgreSQL only."""
    connection.ensure_connection()
    cursor = psycopg.RawCursor(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


@functools.cache
def numbered(sql: str) -> str:
    """The statement with PostgreSQL's numbered parameters in place of its `%s` ones, in order.
    (Its text holds no other `%`: every value is a parameter.)"""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError(f"a statement to prepare has a % other than its %s parameters: {sql}")
    return "".join(part + (f"${number}" if number < len(parts) else "") for number, part in enumerate(parts, 1))
