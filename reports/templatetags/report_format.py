"""`{{ value|figure }}`: a report figure to one decimal in the active language, rounded by the one
rule of every output (`scoring.round1`: half away from zero), "" for no value. Django's
floatformat rounds the float's decimal text itself; going through round1 keeps pages and e-mails
equal to the API and CSV by construction."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from observations import scoring

register = template.Library()


@register.filter
def figure(value: float | None) -> str:
    if value is None or value == "":
        return ""
    return number_format(scoring.round1(float(value)), 1)


@register.filter
def signed_figure(value: float | None) -> str:
    """A change in points: a figure with "+" when it is above zero as shown (+0.0 never shows)."""
    if value is None or value == "":
        return ""
    rounded = scoring.round1(float(value))
    return ("+" if rounded > 0 else "") + number_format(rounded, 1)
