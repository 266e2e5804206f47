"""What an INSERT writes, as Django's ORM decides it, for the write paths that do not go through
the ORM's INSERT (the submission statement, the planning COPY): the same columns and the same
values, so that those paths cannot drift from `Model.save()` / `bulk_create`."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault

AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}


@functools.cache
def written_fields(model: type[Model]) -> list[Field]:
    """The columns an INSERT of `model` writes, as `Model.save()` decides: every concrete field but
    a generated one and an automatic primary key."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.generated and not (f.primary_key and f.get_internal_type() in AUTO_FIELDS)
    ]


@functools.cache
def read_back_fields(model: type[Model]) -> list[Field]:
    """The fields whose value the database decides on insert (generated, or with a database default)."""
    return [f for f in model._meta.concrete_fields if f.generated or f.has_db_default()]


def insert_value(field: Field, obj: Model):
    """The value an INSERT writes for `field` of `obj`, as the ORM computes it: `pre_save` (which
    sets `auto_now` dates on the object too), then the database's form of it. A value left to the
    field's `db_default` is returned as DatabaseDefault, for the caller to write as DEFAULT."""
    value = field.pre_save(obj, add=True)
    if isinstance(value, DatabaseDefault):
        return value
    return field.get_db_prep_save(value, connection)
