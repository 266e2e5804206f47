"""The submission's statement is sent with PostgreSQL's numbered parameters (psycopg's RawCursor):
the conversion from the named ones it is written with, done once per shape."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.prepared import numbered
from observations.submission_sql import _numbered, _statement


def test_named_parameters_become_numbered_a_repeated_name_keeping_its_number():
    text, names = _numbered("SELECT %(a)s, %(b)s, %(a)s, 'x' LIKE '5%%', %(c_1)s")
    assert text == "SELECT $1, $2, $1, 'x' LIKE '5%', $3"
    assert names == ("a", "b", "c_1")


@pytest.mark.parametrize("text", ["SELECT %s", "SELECT 5 % 2", "SELECT %(a)d"])
def test_any_other_placeholder_is_refused(text):
    with pytest.raises(ImproperlyConfigured):
        _numbered(text)


def test_every_parameter_of_the_statement_is_named_once_and_numbered_in_order():
    text, names = _statement(3, 1)
    assert len(names) == len(set(names))
    assert "%(" not in text
    assert f"${len(names)}" in text and f"${len(names) + 1}" not in text


def test_positional_parameters_are_numbered_in_order():
    assert numbered("SELECT %s, %s FROM t WHERE a = %s") == "SELECT $1, $2 FROM t WHERE a = $3"
    with pytest.raises(ValueError):
        numbered("SELECT %s WHERE a LIKE 'x%'")
