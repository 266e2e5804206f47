"""Plausibility flags: reasons a supervisor should look at a visit before trusting it.

Pure functions over plain values; `observations.services` gathers the values (including the
observer's earlier visits to the same store) and stores the result on the visit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

MIN_DURATION = timedelta(minutes=3)
MAX_DURATION = timedelta(minutes=240)
MAX_DISTANCE_M = 300
MAX_SUBMISSION_DELAY = timedelta(days=7)
REPEAT_WINDOW = timedelta(days=14)

FLAG_LABELS = {
    "duration_implausible": _("Visit duration is implausible (under 3 or over 240 minutes)"),
    "stopwatch_exceeds_visit": _("A stopwatch time is longer than the visit"),
    "far_from_store": _("Position was far from the store"),
    "submitted_late": _("Submitted more than 7 days after the visit"),
    "repeat_visit": _("Same shopper in the same store within 14 days"),
}


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    radius = 6_371_000.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def visit_flags(
    *,
    started_at: datetime,
    ended_at: datetime,
    submitted_at: datetime,
    stopwatch_seconds: Iterable[int],
    position: tuple[float, float] | None,
    accuracy_m: float | None,
    store_position: tuple[float, float] | None,
    other_visit_starts: Sequence[datetime] = (),
) -> list[dict]:
    """The flags of one visit, each a dict with a `code` and the figures that raised it."""
    flags: list[dict] = []
    duration = ended_at - started_at
    duration_minutes = round(duration.total_seconds() / 60, 1)
    if duration < MIN_DURATION or duration > MAX_DURATION:
        flags.append({"code": "duration_implausible", "minutes": duration_minutes})
    longest = max(stopwatch_seconds, default=0)
    if longest > duration.total_seconds():
        flags.append(
            {"code": "stopwatch_exceeds_visit", "seconds": longest, "visit_seconds": int(duration.total_seconds())}
        )
    if position is not None and store_position is not None:
        distance = distance_m(*position, *store_position)
        if distance > MAX_DISTANCE_M:
            flags.append({"code": "far_from_store", "distance_m": round(distance), "accuracy_m": accuracy_m})
    delay = submitted_at - ended_at
    if delay > MAX_SUBMISSION_DELAY:
        flags.append({"code": "submitted_late", "days": round(delay.total_seconds() / 86400, 1)})
    nearby = [start for start in other_visit_starts if abs(start - started_at) < REPEAT_WINDOW]
    if nearby:
        closest = min(nearby, key=lambda start: abs(start - started_at))
        flags.append(
            {"code": "repeat_visit", "days_apart": round(abs(closest - started_at).total_seconds() / 86400, 1)}
        )
    return flags


def flag_label(flag: dict) -> str:
    code = str(flag.get("code", ""))
    return str(FLAG_LABELS.get(code, code))


def flag_figure(flag: dict) -> str:
    """The figure that raised the flag, in words: "2.0 minutes", "850 m (accuracy 20 m)", ..."""
    code = flag.get("code")
    if code == "duration_implausible":
        return _("%(minutes)s minutes") % {"minutes": flag.get("minutes")}
    if code == "stopwatch_exceeds_visit":
        return _("%(seconds)s s on the stopwatch, %(visit_seconds)s s visit") % {
            "seconds": flag.get("seconds"),
            "visit_seconds": flag.get("visit_seconds"),
        }
    if code == "far_from_store":
        if flag.get("accuracy_m") is None:
            return _("%(distance)s m away") % {"distance": flag.get("distance_m")}
        return _("%(distance)s m away (accuracy %(accuracy)s m)") % {
            "distance": flag.get("distance_m"),
            "accuracy": round(flag["accuracy_m"]),
        }
    if code == "submitted_late":
        return _("%(days)s days after the visit") % {"days": flag.get("days")}
    if code == "repeat_visit":
        return _("%(days)s days apart") % {"days": flag.get("days_apart")}
    return ""


def flag_description(flag: dict) -> str:
    """The flag's label with its figure: what a reviewer reads."""
    figure = flag_figure(flag)
    return f"{flag_label(flag)}: {figure}" if figure else flag_label(flag)
