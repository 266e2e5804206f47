"""Schemathesis hooks (SCHEMATHESIS_HOOKS=bench.schemathesis_hooks): every string of a generated
body may become, or gain, a lone surrogate (sent as JSON's \\ud800 escape) or digits that are not
ASCII; every query parameter may carry such digits (a lone surrogate cannot be put in a URL as
text; tests/strategies.py sends its broken UTF-8 bytes). The API must answer them with a 400
naming the field, never a 500."""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st

NON_ASCII_DIGITS = st.sampled_from(["²", "٣", "１２", "߀", "१", "³¹"])
HOSTILE = st.one_of(NON_ASCII_DIGITS, st.sampled_from(["\ud800", "a\udfffb", "\udc00\ud800", "\udbff"]))


def _spoiled(value, hostile: st.SearchStrategy[str]) -> st.SearchStrategy:
    @st.composite
    def spoil(draw):
        def walk(item):
            if isinstance(item, str):
                return draw(st.one_of(st.just(item), hostile, hostile.map(lambda bad: item + bad)))
            if isinstance(item, bool) or item is None:
                return item
            if isinstance(item, int):
                return draw(st.one_of(st.just(item), NON_ASCII_DIGITS))
            if isinstance(item, dict):
                return {key: walk(inner) for key, inner in item.items()}
            if isinstance(item, list):
                return [walk(inner) for inner in item]
            return item

        return walk(value)

    return spoil()


def _json_only(context) -> bool:
    operation = getattr(context, "operation", None)
    bodies = list(getattr(operation, "body", None) or [])
    types = [str(getattr(body, "media_type", "")) for body in bodies]
    return bool(types) and all("json" in media_type for media_type in types)


@schemathesis.hook
def flatmap_body(context, body):
    # Only a JSON body can carry a lone surrogate (escaped); the client encodes a form as UTF-8.
    return _spoiled(body, HOSTILE if _json_only(context) else NON_ASCII_DIGITS)


@schemathesis.hook
def flatmap_query(context, query):
    return _spoiled(query, NON_ASCII_DIGITS)
