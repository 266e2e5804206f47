"""Strict input fields: a value of the wrong JSON type is refused, never converted.

DRF's own fields are lenient on purpose (forms send strings): `7` becomes a UUID, `"no"` a
boolean, `"2026-11-25"` midnight in the server's time zone. The phone sends JSON, so the API
takes what JSON can say exactly and refuses the rest with a 400 naming the rule.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# RFC 3339 date-time: a date, a time and an offset (Z or +hh:mm).
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@extend_schema_field(OpenApiTypes.UUID)
class StrictUUIDField(serializers.Field):
    """A UUID written as a string in its usual 36-character form; the all-zero UUID is refused."""

    default_error_messages = {
        "invalid": _("must be a UUID string such as 0f8fad5b-d9cb-469f-a165-70867728950e."),
        "nil": _("must not be the all-zero UUID."),
    }

    def to_internal_value(self, data) -> uuid.UUID:
        if not isinstance(data, str) or not _UUID.match(data):
            self.fail("invalid")
        value = uuid.UUID(data)
        if value.int == 0:
            self.fail("nil")
        return value

    def to_representation(self, value) -> str:
        return str(value)


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanField(serializers.BooleanField):
    """Only JSON true and false: not "no", "false", 0 or 1."""

    default_error_messages = {"invalid": _("must be a JSON boolean (true or false).")}

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictDateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time string with a time and an offset, e.g. 2026-11-25T14:05:00+01:00."""

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "strict": _("must be a date and time with an offset, such as 2026-11-25T14:05:00+01:00."),
    }

    def to_internal_value(self, value) -> dt.datetime:
        if not isinstance(value, str) or not _DATETIME.match(value):
            self.fail("strict")
        try:
            parsed = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            self.fail("strict")
        try:
            parsed.astimezone(dt.UTC)
        except OverflowError:
            self.fail("strict")
        return parsed
