"""Hypothesis strategies for what an attacker puts in a string: any character of any category,
lone surrogates (U+D800-U+DFFF, which JSON's \\ud800 escape and broken UTF-8 in a URL carry), and
digits that are not ASCII (², ٣, １), which str.isdigit() and int() read differently."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from hypothesis import strategies as st

NON_ASCII_DIGITS = "²³¹٣١۴߀१１２９"
LONE_SURROGATES = "\ud800\udbff\udc00\udfff"


def hostile_text(max_size: int = 20) -> st.SearchStrategy[str]:
    """Text of every kind, lone surrogates and non-ASCII digits among it, often made of them alone."""
    return st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=max_size),
        st.text(st.sampled_from("0123456789-" + NON_ASCII_DIGITS + LONE_SURROGATES), min_size=1, max_size=6),
    )


def query_string(params: dict[str, str]) -> str:
    """The query string a client sends: UTF-8, lone surrogates as the (invalid) bytes they would be."""
    return urlencode(params, encoding="utf-8", errors="surrogatepass")


def path_segment(text: str) -> str:
    return quote(text, safe="", encoding="utf-8", errors="surrogatepass")
