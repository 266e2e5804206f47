"""Believable demo data: real German and Swiss stores, the people who work with them, and weeks of
visits whose quality differs by store and drifts over time (some oases, some deserts, some stores
improving and some declining).

Everything is derived from seeded random generators keyed by store and week, and every visit has a
deterministic id, so generating again inserts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from observations import plausibility
from observations.models import Interaction, Rubric, Visit, VisitStatus
from observations.services import InteractionInput, VisitInput, build_visit

NAMESPACE = uuid.UUID("6f1c7a52-4d0e-4b9a-9a8e-2c1f0f5d8e11")

REGIONS = [("nord", "Nord & West"), ("sued", "Süd"), ("schweiz", "Schweiz")]

# code, name, region, city, timezone, latitude, longitude
STORES = [
    ("ham-mo", "Hamburg Mönckebergstraße", "nord", "Hamburg", "Europe/Berlin", 53.5503, 10.0006),
    ("ber-mi", "Berlin Mitte", "nord", "Berlin", "Europe/Berlin", 52.5219, 13.4132),
    ("ber-ku", "Berlin Kurfürstendamm", "nord", "Berlin", "Europe/Berlin", 52.5035, 13.3320),
    ("bre-ob", "Bremen Obernstraße", "nord", "Bremen", "Europe/Berlin", 53.0765, 8.8069),
    ("han-gs", "Hannover Georgstraße", "nord", "Hannover", "Europe/Berlin", 52.3737, 9.7380),
    ("kol-ho", "Köln Hohe Straße", "nord", "Köln", "Europe/Berlin", 50.9375, 6.9562),
    ("dus-ko", "Düsseldorf Königsallee", "nord", "Düsseldorf", "Europe/Berlin", 51.2236, 6.7800),
    ("lei-pe", "Leipzig Petersstraße", "nord", "Leipzig", "Europe/Berlin", 51.3385, 12.3747),
    ("muc-ma", "München Marienplatz", "sued", "München", "Europe/Berlin", 48.1374, 11.5755),
    ("muc-pa", "München Pasing", "sued", "München", "Europe/Berlin", 48.1497, 11.4613),
    ("str-ko", "Stuttgart Königstraße", "sued", "Stuttgart", "Europe/Berlin", 48.7784, 9.1800),
    ("nue-ka", "Nürnberg Karolinenstraße", "sued", "Nürnberg", "Europe/Berlin", 49.4507, 11.0767),
    ("aug-ms", "Augsburg Maximilianstraße", "sued", "Augsburg", "Europe/Berlin", 48.3668, 10.8986),
    ("fre-ka", "Freiburg Kaiser-Joseph-Straße", "sued", "Freiburg im Breisgau", "Europe/Berlin", 47.9959, 7.8494),
    ("fra-ze", "Frankfurt Zeil", "sued", "Frankfurt am Main", "Europe/Berlin", 50.1147, 8.6838),
    ("reg-ne", "Regensburg Neupfarrplatz", "sued", "Regensburg", "Europe/Berlin", 49.0189, 12.0966),
    ("zrh-hb", "Zürich Hauptbahnhof", "schweiz", "Zürich", "Europe/Zurich", 47.3779, 8.5403),
    ("zrh-bs", "Zürich Bahnhofstrasse", "schweiz", "Zürich", "Europe/Zurich", 47.3717, 8.5387),
    ("bas-fr", "Basel Freie Strasse", "schweiz", "Basel", "Europe/Zurich", 47.5573, 7.5896),
    ("brn-sp", "Bern Spitalgasse", "schweiz", "Bern", "Europe/Zurich", 46.9484, 7.4419),
    ("gva-rh", "Genève Rue du Rhône", "schweiz", "Genève", "Europe/Zurich", 46.2035, 6.1479),
    ("lau-ce", "Lausanne Rue Centrale", "schweiz", "Lausanne", "Europe/Zurich", 46.5210, 6.6323),
    ("luz-we", "Luzern Weggisgasse", "schweiz", "Luzern", "Europe/Zurich", 47.0521, 8.3055),
    ("stg-mu", "St. Gallen Multergasse", "schweiz", "St. Gallen", "Europe/Zurich", 47.4237, 9.3747),
]

# code -> country, subdivision (holidays' code) and closed weekdays (7: Sunday) of the store's
# calendar: the planner plans no visit on their public holidays and closed days. The shop in
# Zürich's main station opens on Sundays.
CALENDARS = {
    "ham-mo": ("DE", "HH", "7"),
    "ber-mi": ("DE", "BE", "7"),
    "ber-ku": ("DE", "BE", "7"),
    "bre-ob": ("DE", "HB", "7"),
    "han-gs": ("DE", "NI", "7"),
    "kol-ho": ("DE", "NW", "7"),
    "dus-ko": ("DE", "NW", "7"),
    "lei-pe": ("DE", "SN", "7"),
    "muc-ma": ("DE", "BY", "7"),
    "muc-pa": ("DE", "BY", "7"),
    "str-ko": ("DE", "BW", "7"),
    "nue-ka": ("DE", "BY", "7"),
    "aug-ms": ("DE", "Augsburg", "7"),
    "fre-ka": ("DE", "BW", "7"),
    "fra-ze": ("DE", "HE", "7"),
    "reg-ne": ("DE", "BY", "7"),
    "zrh-hb": ("CH", "ZH", ""),
    "zrh-bs": ("CH", "ZH", "7"),
    "bas-fr": ("CH", "BS", "7"),
    "brn-sp": ("CH", "BE", "7"),
    "gva-rh": ("CH", "GE", "7"),
    "lau-ce": ("CH", "VD", "7"),
    "luz-we": ("CH", "LU", "7"),
    "stg-mu": ("CH", "SG", "7"),
}

SHOPPERS_PER_STORE = 6
STORES_PER_SUPERVISOR = 25

NOTES = [
    "Staff member greeted me at the entrance and then let me browse.",
    "Had to look for help for a long time; the floor was empty.",
    "Asked for a size that was not on the shelf; the colleague checked the stock room without hesitation.",
    "Two colleagues were talking to each other and ignored customers.",
    "Very friendly advice at the checkout.",
    "Ich wurde mehrfach angesprochen, obwohl ich nur schauen wollte.",
    "Freundliche Begrüßung, kompetente Antwort auf eine Sonderfrage.",
    "Sehr lange Wartezeit an der Information.",
]
REJECT_NOTES = ["Visit was outside the agreed time window.", "Observation could not be verified."]


@dataclass(frozen=True)
class DemoStore:
    code: str
    name: str
    region: str
    city: str
    timezone: str
    latitude: float
    longitude: float

    @property
    def calendar(self) -> tuple[str, str, str]:
        """Country, subdivision and closed weekdays: those of the real store it is numbered after."""
        return CALENDARS.get(self.code.rsplit("-", 1)[0] if self.code.count("-") > 1 else self.code, ("DE", "", "7"))


def demo_stores(count: int) -> list[DemoStore]:
    """The 24 real stores first; more stores get numbered branches in the same cities."""
    stores = [DemoStore(*row) for row in STORES[:count]]
    for index in range(len(STORES), count):
        base = DemoStore(*STORES[index % len(STORES)])
        number = index // len(STORES) + 1
        rng = random.Random(index)
        stores.append(
            DemoStore(
                code=f"{base.code}-{number}",
                name=f"{base.city} Filiale {number}",
                region=base.region,
                city=base.city,
                timezone=base.timezone,
                latitude=round(base.latitude + rng.uniform(-0.03, 0.03), 5),
                longitude=round(base.longitude + rng.uniform(-0.04, 0.04), 5),
            )
        )
    return stores


@dataclass(frozen=True)
class StoreCharacter:
    """How good a store is and where it is heading."""

    level: float  # 0..1, typical quality
    trend: float  # change of level per week
    step: float = 0.0  # a step down in quality ...
    step_weeks_ago: int = 0  # ... that came this many weeks ago (0: none)
    walks: tuple[int, ...] = (1, 2, 2, 3, 3)  # supervisor floor walks a week, drawn from these

    def quality(self, weeks_ago: int) -> float:
        stepped = self.step if weeks_ago < self.step_weeks_ago else 0.0
        return min(0.98, max(0.05, self.level - self.trend * weeks_ago - stepped))


# Two stories of the demo supervisor's region that a real chain knows, strong enough for the real
# rule to open action plans on them: the demo manager's store has been a desert for weeks, and
# Köln's service stepped down three weeks ago. The supervisor walks the floor of both more often,
# as supervisors do where a store is struggling.
STORIES = {
    "ham-mo": StoreCharacter(level=0.08, trend=0.0, walks=(3, 3, 4)),
    "kol-ho": StoreCharacter(level=0.7, trend=0.0, step=0.6, step_weeks_ago=3, walks=(3, 3, 4)),
}


def store_character(code: str) -> StoreCharacter:
    if code in STORIES:
        return STORIES[code]
    rng = random.Random(f"character/{code}")
    kind = rng.random()
    if kind < 0.25:
        level = rng.uniform(0.8, 0.95)  # oasis
    elif kind < 0.45:
        level = rng.uniform(0.1, 0.35)  # desert
    else:
        level = rng.uniform(0.45, 0.8)
    trend = rng.choice([-0.012, -0.006, 0.0, 0.0, 0.006, 0.012])
    return StoreCharacter(level=level, trend=trend)


def _clip(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


def interaction(rng: random.Random, quality: float, *, shopper: bool) -> InteractionInput:
    greeted = rng.random() < 0.45 + 0.5 * quality
    asked = rng.random() < (0.7 if shopper else 0.45)
    return InteractionInput(
        greeted=greeted,
        greeting_seconds=min(900, int(2 + rng.expovariate(1 / (8 + 70 * (1 - quality))))) if greeted else None,
        greeting_personal=greeted and rng.random() < 0.15 + 0.7 * quality,
        smile=_clip(1 + 4 * quality + rng.gauss(0, 0.8), 1, 5),
        unsolicited_approaches=min(6, int(rng.expovariate(1 / (0.3 + 1.8 * (1 - quality))))),
        followed=rng.random() < 0.35 * (1 - quality),
        asked=asked,
        response_seconds=min(1800, int(3 + rng.expovariate(1 / (15 + 160 * (1 - quality))))) if asked else None,
        response_quality=_clip(1 + 4 * quality + rng.gauss(0, 0.9), 1, 5) if asked else None,
        special_request=asked and rng.random() < 0.2,
        notes=rng.choice(NOTES) if rng.random() < 0.04 else "",
    )


@dataclass
class People:
    shoppers_by_store: dict[str, list]  # store code -> assigned shoppers
    supervisors_by_store: dict[str, object]
    reviewers_by_store: dict[str, object]


def week_visits(
    *,
    store,
    character: StoreCharacter,
    week_start: dt.date,
    weeks_ago: int,
    people: People,
    rubric: Rubric,
    now: dt.datetime,
    last_shopper_visit: dict,
) -> Iterator[tuple[Visit, list[Interaction]]]:
    """The visits of one store-week that have happened by `now`: 1-2 by mystery shoppers (1-3
    interactions), 1-3 supervisor floor walks (10-24 interactions)."""
    rng = random.Random(f"{store.code}/{week_start.isoformat()}")
    quality = character.quality(weeks_ago)
    tz = ZoneInfo(store.timezone)
    shoppers = people.shoppers_by_store[store.code]
    slots = [("shopper", k) for k in range(rng.choice([1, 1, 2]))]
    slots += [("supervisor", k) for k in range(rng.choice(character.walks))]
    for kind, k in slots:
        day = week_start + dt.timedelta(days=rng.randrange(6))  # Monday..Saturday
        opens = dt.datetime.combine(day, dt.time(9, 0), tzinfo=tz)
        started = opens + dt.timedelta(minutes=rng.randrange(0, 10 * 60))
        visit_quality = min(0.99, max(0.01, quality + rng.gauss(0, 0.08)))
        if kind == "shopper":
            observer = shoppers[(weeks_ago + 2 * k) % len(shoppers)]
            if rng.random() < 0.03 and (observer.pk, store.code) in last_shopper_visit:
                started = last_shopper_visit[(observer.pk, store.code)] + dt.timedelta(days=rng.randint(2, 9))
            minutes = rng.randint(8, 35) if rng.random() > 0.03 else rng.randint(1, 2)
            items = [interaction(rng, visit_quality, shopper=True) for _ in range(rng.randint(1, 3))]
        else:
            observer = people.supervisors_by_store[store.code]
            minutes = rng.randint(30, 120)
            items = [interaction(rng, visit_quality, shopper=False) for _ in range(rng.randint(10, 24))]
        ended = started + dt.timedelta(minutes=minutes)
        delay = dt.timedelta(minutes=rng.randint(2, 240)) if rng.random() > 0.01 else dt.timedelta(days=9)
        submitted = ended + delay
        if submitted > now:
            continue
        visit_id = uuid.uuid5(NAMESPACE, f"{store.code}/{week_start.isoformat()}/{kind}/{k}")
        data = VisitInput(
            id=visit_id,
            started_at=started,
            ended_at=ended,
            interactions=tuple(items),
            notes=rng.choice(NOTES) if rng.random() < 0.15 else "",
        )
        earlier = []
        if kind == "shopper":
            previous = last_shopper_visit.get((observer.pk, store.code))
            earlier = [previous] if previous else []
            last_shopper_visit[(observer.pk, store.code)] = started
        flags = plausibility.visit_flags(
            started_at=started,
            ended_at=ended,
            submitted_at=submitted,
            stopwatch_seconds=[s for i in items for s in (i.greeting_seconds, i.response_seconds) if s is not None],
            position=None,
            accuracy_m=None,
            store_position=None,
            other_visit_starts=earlier,
        )
        visit, interactions = build_visit(
            observer=observer, store=store, data=data, rubric=rubric, submitted_at=submitted, flags=flags
        )
        if kind == "shopper":
            _review(visit, rng, reviewer=people.reviewers_by_store[store.code], now=now)
        yield visit, interactions


def _review(visit: Visit, rng: random.Random, *, reviewer, now: dt.datetime) -> None:
    roll = rng.random()
    if visit.flags:
        decision = "approved" if roll < 0.5 else "rejected" if roll < 0.8 else None
    else:
        decision = "approved" if roll < 0.15 else "rejected" if roll < 0.17 else None
    if decision is None:
        return
    reviewed_at = visit.submitted_at + dt.timedelta(hours=rng.randint(2, 72))
    if reviewed_at > now:
        return
    visit.status = VisitStatus.APPROVED if decision == "approved" else VisitStatus.REJECTED
    visit.reviewed_by = reviewer
    visit.reviewed_at = reviewed_at
    visit.review_note = rng.choice(REJECT_NOTES) if decision == "rejected" else ""


def week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    """Mondays of the last `weeks` ISO weeks, this one included, oldest first."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return [this_monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def supervisors_needed(stores_in_region: int) -> int:
    return max(1, math.ceil(stores_in_region / STORES_PER_SUPERVISOR))
