"""What input text must be before the product reads it: digits that are ASCII digits, and text that
can be written back out (UTF-8 has no encoding for a lone surrogate, which JSON's \\ud800 escape
can still carry into a Python string; echoed in an answer it would fail the answer, not the request).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def strict_int(text: str | None) -> int | None:
    """The number written in ASCII digits (at most 18 of them), else None. `str.isdigit()` also
    accepts "²" or "٣", which `int()` then refuses or reads as another number."""
    if text is None or not _ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unencodable_paths(value: Any, path: str = "") -> Iterator[str]:
    """The paths (`interactions[2].notes`) of the strings in a parsed JSON value that cannot be
    encoded; a key that cannot be is reported at its object's path."""
    if isinstance(value, str):
        if not encodable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if not encodable(key):
                yield path
                continue
            yield from unencodable_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unencodable_paths(item, f"{path}[{index}]")
