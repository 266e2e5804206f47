"""The rules a visit must follow, in one place for the API, the services and the demo data.

Each rule answers with the path of the offending field (`interactions[2].greeting_seconds`) and a
sentence saying what is wrong, so the phone can show it next to the field.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from .limits import NOTE_MAX_LENGTH
from .models import MAX_LOCATION_ACCURACY_M, MAX_SECONDS

MAX_FUTURE = timedelta(minutes=5)
MAX_AGE = timedelta(days=60)
MAX_INTERACTIONS = 50
MAX_APPROACHES = 1000


def interaction_errors(item: dict, prefix: str) -> dict[str, str]:
    """Cross-field rules of one interaction (types and ranges of single fields are the caller's)."""
    errors: dict[str, str] = {}
    greeted = item.get("greeted")
    seconds = item.get("greeting_seconds")
    if greeted:
        if seconds is None:
            errors[f"{prefix}.greeting_seconds"] = _("is required when greeted is true.")
    else:
        if seconds is not None:
            errors[f"{prefix}.greeting_seconds"] = _("must be null when greeted is false.")
        for field in ("greeting_personal", "greeting_typed"):
            if item.get(field):
                errors[f"{prefix}.{field}"] = _("must be false when greeted is false.")
    if item.get("response_typed") and not item.get("asked"):
        errors[f"{prefix}.response_typed"] = _("must be false when asked is false.")
    for field in ("response_seconds", "response_quality"):
        value = item.get(field)
        if item.get("asked") and value is None:
            errors[f"{prefix}.{field}"] = _("is required when asked is true.")
        elif not item.get("asked") and value is not None:
            errors[f"{prefix}.{field}"] = _("must be null when asked is false.")
    for field in ("greeting_seconds", "response_seconds"):
        value = item.get(field)
        if value is not None and not 0 <= value <= MAX_SECONDS:
            errors[f"{prefix}.{field}"] = _("must be between 0 and %(max)d seconds.") % {"max": MAX_SECONDS}
    for field in ("smile", "response_quality"):
        value = item.get(field)
        if value is not None and not 1 <= value <= 5:
            errors[f"{prefix}.{field}"] = _("must be between 1 and 5.")
    if (item.get("unsolicited_approaches") or 0) < 0:
        errors[f"{prefix}.unsolicited_approaches"] = _("must be 0 or more.")
    return errors


def visit_errors(
    *,
    started_at: datetime,
    ended_at: datetime,
    now: datetime,
    interactions: list[dict],
    notes: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    location_accuracy_m: float | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if started_at > now + MAX_FUTURE:
        errors["started_at"] = _("must not be more than 5 minutes in the future.")
    elif started_at < now - MAX_AGE:
        errors["started_at"] = _("must not be more than 60 days ago.")
    if ended_at < started_at:
        errors["ended_at"] = _("must not be before started_at.")
    elif ended_at > now + MAX_FUTURE:
        errors["ended_at"] = _("must not be more than 5 minutes in the future.")
    if len(notes) > NOTE_MAX_LENGTH:
        errors["notes"] = _("must be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
    if not 1 <= len(interactions) <= MAX_INTERACTIONS:
        errors["interactions"] = _("must hold between 1 and %(max)d interactions.") % {"max": MAX_INTERACTIONS}
    if (latitude is None) != (longitude is None):
        errors["latitude" if latitude is None else "longitude"] = _("latitude and longitude must be given together.")
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = _("must be between -90 and 90.")
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = _("must be between -180 and 180.")
    if location_accuracy_m is not None:
        if not 0 <= location_accuracy_m <= MAX_LOCATION_ACCURACY_M:
            errors["location_accuracy_m"] = _("must be between 0 and %(max)d metres.") % {
                "max": MAX_LOCATION_ACCURACY_M
            }
        elif latitude is None:
            errors["location_accuracy_m"] = _("is only allowed together with a position.")
    for index, item in enumerate(interactions):
        errors.update(interaction_errors(item, f"interactions[{index}]"))
        if len(item.get("notes") or "") > NOTE_MAX_LENGTH:
            errors[f"interactions[{index}].notes"] = _("must be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
    return errors
