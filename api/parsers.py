"""The API's only body parser: JSON with a size limit, a nesting limit and no duplicate keys."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from core.text import encodable, strict_int, unencodable_paths

from .errors import PayloadTooLarge

# A visit is four levels deep (list of visits, visit, interactions, interaction); anything far
# deeper is not a request of ours. Checked while parsing, so a body of 1,500 opening brackets is a
# 400 and never reaches Python's recursion limit.
MAX_DEPTH = 20


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey(key)
        obj[key] = value
    return obj


def nesting_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest, without parsing it (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def loads_strict(body: bytes) -> Any:
    """Parse a JSON body: ParseError for malformed or too deeply nested JSON, ValidationError
    naming the key when an object repeats one (the last one would otherwise silently win)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(_("The body is not UTF-8.")) from exc
    # Counting brackets is C-fast; only a body with many of them is scanned character by character.
    if text.count("[") + text.count("{") > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH:
        raise ParseError(_("JSON nested more than %(max)d levels deep.") % {"max": MAX_DEPTH})
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except DuplicateKey as exc:
        if not encodable(exc.key):
            raise ValidationError({"non_field_errors": UNENCODABLE}) from None
        raise ValidationError({exc.key: _("appears more than once in the same JSON object.")}) from None
    except ValueError as exc:
        raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
    # Text that cannot be encoded is refused here, naming where it is, and never reaches a
    # serializer that would echo it in an error answer the renderer then cannot write.
    bad = next(unencodable_paths(data), None)
    if bad is not None:
        raise ValidationError({bad or "non_field_errors": UNENCODABLE})
    return data


UNENCODABLE = _lazy("must be text without lone surrogate characters (U+D800 to U+DFFF).")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class LimitedJSONParser(JSONParser):
    """JSON with a size limit (DRF reads the body as a stream, past Django's own limit), a nesting
    limit and duplicate keys refused."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        declared_bytes = strict_int(declared)
        if declared_bytes is not None and declared_bytes > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        return loads_strict(body)
