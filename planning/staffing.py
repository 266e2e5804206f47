"""The planner's assignment step for a wave, and, when some of its visits get no shopper, why and
what would staff them.

`setup_for` reads what the step needs (the visits still to plan per store, the store's open
windows, the shoppers, their commitments); `assign` runs `planner.plan` on it in memory. When
visits stay without a shopper, `explain` runs the same step again, each time with one thing
changed and nothing written: a shorter lockout, more shoppers in a region (with the default
weekly capacity, allowed in the wave's stores of that region), a longer wave; each only for the
stores that shoppers link to those left short (`components`), which gives the same figures at a
fraction of the cost. It keeps the
numbers (how many more visits each change would staff); `planning.wording.staffing_lines` words
them in the reader's language. Planning the alternatives takes a few times as long as planning
the wave, so `wave_plan` leaves it to follow-up work (`explain_wave`, through the outbox): the wave's
`staffing` says "pending" until then.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings

from core import outbox
from stores.models import Region, Store

from . import planner
from .inputs import commitments_for, done_in_wave, shoppers_for, store_closures
from .models import LIVE_STATUSES, MAX_WAVE_DAYS, WAVE_LAST_DAY, Assignment, Wave

LOCKOUT_CANDIDATES = (21, 14, 7, 0)  # and half the wave's lockout
MAX_NEW_SHOPPERS = 20  # per region
MAX_REGIONS = 10  # regions for which new shoppers are tried
EXTENSIONS_DAYS = (7, 14, 28)
MAX_STORES_NAMED = 10


@dataclass
class Setup:
    """What the assignment step of one wave works on (plain values)."""

    starts_on: dt.date
    ends_on: dt.date
    counts: dict[int, int]  # store id -> visits still to plan (needed - locked - done)
    codes: dict[int, str]
    names: dict[int, str]
    region_of: dict[int, int]
    taken: dict[int, list[tuple[str, str]]]  # store id -> (day type, time of day) of locked ones
    shoppers: list[planner.Shopper]
    commitments: planner.Commitments
    windows: dict[int, list[planner.Window]]  # store id -> its open windows

    @property
    def total(self) -> int:
        return sum(max(0, count) for count in self.counts.values())


def setup_for(
    wave: Wave, visits_needed: Mapping[int, int], *, ends_on: dt.date | None = None, planned: bool = False
) -> Setup:
    """Reads only. `visits_needed`: store id -> visits the wave needs there; `ends_on`: the wave's
    last day, or another for an alternative; `planned`: the wave's proposals are written already,
    and are left out (what planning saw before it wrote them: its locked assignments only)."""
    view = copy.copy(wave)
    view.ends_on = ends_on or wave.ends_on
    store_ids = list(visits_needed)
    own = Assignment.objects.filter(wave=wave)
    proposed = list(own.filter(locked=False).values_list("pk", flat=True)) if planned else []
    taken: dict[int, list[tuple[str, str]]] = defaultdict(list)
    live = own.filter(status__in=LIVE_STATUSES).exclude(pk__in=proposed)
    for store_id, day_type, time_of_day in live.values_list("store_id", "day_type", "time_of_day"):
        taken[store_id].append((day_type, time_of_day))
    rows = Store.objects.filter(pk__in=store_ids).values_list("pk", "code", "name", "region_id")
    codes = {pk: code for pk, code, _name, _region in rows}
    names = {pk: name for pk, _code, name, _region in rows}
    region_of = {pk: region for pk, _code, _name, region in rows}
    shoppers = shoppers_for(store_ids)
    commitments = commitments_for(
        wave=view, shopper_ids=[s.id for s in shoppers], store_ids=store_ids, exclude_ids=proposed
    )
    done = done_in_wave(view, store_ids)
    closures = store_closures(store_ids, view.starts_on, view.ends_on)
    all_windows = planner.windows(view.starts_on, view.ends_on)
    by_closed: dict[frozenset, list[planner.Window]] = {}
    windows = {}
    for store_id in store_ids:
        closed = frozenset(closures.get(store_id, {}))
        if closed not in by_closed:
            by_closed[closed] = planner.open_windows(all_windows, closed)
        windows[store_id] = by_closed[closed]
    counts = {
        store_id: needed - len(taken[store_id]) - done.get(store_id, 0) for store_id, needed in visits_needed.items()
    }
    return Setup(view.starts_on, view.ends_on, counts, codes, names, region_of, taken, shoppers, commitments, windows)


def _commitments_copy(commitments: planner.Commitments) -> planner.Commitments:
    fresh = planner.Commitments()
    for key, periods in commitments.periods.items():
        fresh.periods[key] = list(periods)
    fresh.week_load.update(commitments.week_load)
    return fresh


def assign(
    setup: Setup,
    *,
    lockout_days: int,
    extra_shoppers: tuple[planner.Shopper, ...] = (),
    stores: Collection[int] | None = None,
) -> list[planner.Proposal]:
    """The planner's slots and assignment step on `setup`, in memory (the setup is not changed);
    `stores`: only the visits of these stores (a union of `components`: the same proposals for
    them as a run over every store, since no shopper links them to any other)."""
    slots = []
    for store_id, count in setup.counts.items():
        if stores is not None and store_id not in stores:
            continue
        slots += planner.store_slots(
            store_id=store_id,
            store_code=setup.codes[store_id],
            count=count,
            all_windows=setup.windows[store_id],
            taken=setup.taken[store_id],
        )
    return planner.plan(
        slots=slots,
        shoppers=[*setup.shoppers, *extra_shoppers],
        commitments=_commitments_copy(setup.commitments),
        lockout_days=lockout_days,
        store_codes=setup.codes,
    )


def components(setup: Setup, extra_shoppers: tuple[planner.Shopper, ...] = ()) -> dict[int, int]:
    """Store id -> a component id: stores are in one component when a shopper may record in both
    (directly or through other stores). The planner's choices in one component never depend on
    another's (lockout and capacity are per shopper), so each can be planned on its own."""
    parent = {store_id: store_id for store_id in setup.counts}

    def root(store_id: int) -> int:
        while parent[store_id] != store_id:
            parent[store_id] = parent[parent[store_id]]
            store_id = parent[store_id]
        return store_id

    for shopper in [*setup.shoppers, *extra_shoppers]:
        mine = [store_id for store_id in shopper.store_ids if store_id in parent]
        for store_id in mine[1:]:
            parent[root(store_id)] = root(mine[0])
    return {store_id: root(store_id) for store_id in parent}


def _closure(setup: Setup, store_ids: Iterable[int], extra_shoppers: tuple[planner.Shopper, ...] = ()) -> set[int]:
    """The stores of the components that hold `store_ids`."""
    component = components(setup, extra_shoppers)
    wanted = {component[store_id] for store_id in store_ids if store_id in component}
    return {store_id for store_id, root in component.items() if root in wanted}


def _staffed(proposals: list[planner.Proposal], stores: Collection[int] | None = None) -> int:
    return sum(
        1
        for proposal in proposals
        if proposal.shopper_id is not None and (stores is None or proposal.store_id in stores)
    )


def _total(setup: Setup, stores: Collection[int]) -> int:
    return sum(max(0, count) for store_id, count in setup.counts.items() if store_id in stores)


def explain(*, wave: Wave, setup: Setup, proposals: list[planner.Proposal], visits_needed: Mapping[int, int]) -> dict:
    """Why visits of the wave have no shopper and what would staff them, as numbers (JSON): empty
    when every visit has one. The alternatives are planned for the stores linked by shoppers to
    those with visits left open only (`components`), which gives the same figures."""
    total = setup.total
    staffed = _staffed(proposals)
    missing = total - staffed
    if missing <= 0:
        return {}
    planned_per_store = Counter(proposal.store_id for proposal in proposals)
    open_per_store: dict[int, list[planner.Proposal]] = defaultdict(list)
    for proposal in proposals:
        if proposal.shopper_id is None:
            open_per_store[proposal.store_id].append(proposal)
    stores = []
    short: set[int] = set()
    for store_id, count in setup.counts.items():
        if count <= 0:
            continue
        unplaced = count - planned_per_store[store_id]  # no open window at all
        open_here = open_per_store.get(store_id, [])
        if not unplaced and not open_here:
            continue
        short.add(store_id)
        reason = open_here[0].reason if open_here else {}
        stores.append(
            {
                "code": setup.codes[store_id],
                "name": setup.names[store_id],
                "missing": unplaced + len(open_here),
                "visits": count,
                "closed": unplaced > 0,
                "eligible": reason.get("eligible", 0),
                "locked_out": max((p.reason.get("locked_out", 0) for p in open_here), default=0),
                "at_capacity": max((p.reason.get("at_capacity", 0) for p in open_here), default=0),
            }
        )
    stores.sort(key=lambda item: (-item["missing"], item["code"]))
    affected = _closure(setup, short)
    return {
        "total": total,
        "missing": missing,
        "lockout_days": wave.lockout_days,
        "days": (wave.ends_on - wave.starts_on).days + 1,
        "stores": stores[:MAX_STORES_NAMED],
        "more_stores": max(0, len(stores) - MAX_STORES_NAMED),
        "lockout": _shorter_lockout(wave, setup, proposals, affected),
        "shoppers": _more_shoppers(wave, setup, proposals),
        "window": _longer_wave(wave, setup, proposals, affected, visits_needed),
    }


def _shorter_lockout(wave: Wave, setup: Setup, proposals: list[planner.Proposal], affected: set[int]) -> list[dict]:
    """Shorter lockouts, longest first, each with how many more visits it would staff, down to the
    first that staffs every visit."""
    staffed = _staffed(proposals, affected)
    total = _total(setup, affected)
    candidates = sorted({*LOCKOUT_CANDIDATES, wave.lockout_days // 2}, reverse=True)
    options: list[dict] = []
    for days in candidates:
        if days >= wave.lockout_days:
            continue
        more = _staffed(assign(setup, lockout_days=days, stores=affected)) - staffed
        if more <= 0 or (options and more <= options[-1]["more"]):
            continue
        options.append({"days": days, "more": more, "all": staffed + more >= total})
        if options[-1]["all"]:
            break
    return options


def _more_shoppers(wave: Wave, setup: Setup, proposals: list[planner.Proposal]) -> list[dict]:
    """Per region with visits left open (the MAX_REGIONS with the most): the fewest new shoppers
    (default capacity, allowed in the wave's stores of the region) that staff all of them, else
    what MAX_NEW_SHOPPERS would staff."""
    capacity = settings.OASIS_PLANNING_WEEKLY_CAPACITY
    open_regions = Counter(setup.region_of[p.store_id] for p in proposals if p.shopper_id is None)
    if not open_regions or capacity <= 0:
        return []
    region_names = dict(Region.objects.filter(pk__in=list(open_regions)).values_list("pk", "name"))
    weeks = max(1, len({window.week for windows in setup.windows.values() for window in windows}))
    result = []
    for region_id, n_open in sorted(open_regions.items(), key=lambda item: (-item[1], item[0]))[:MAX_REGIONS]:
        region_stores = frozenset(store_id for store_id, region in setup.region_of.items() if region == region_id)

        def new(k: int, region_stores: frozenset[int] = region_stores) -> tuple[planner.Shopper, ...]:
            return tuple(planner.Shopper(-(i + 1), f"~new-{i + 1:02d}", capacity, region_stores) for i in range(k))

        linked = _closure(setup, region_stores, new(1))
        staffed = _staffed(proposals, linked)

        def run(
            k: int, linked: set[int] = linked, region_stores: frozenset[int] = region_stores, staffed: int = staffed
        ) -> tuple[int, int]:
            outcome = assign(setup, lockout_days=wave.lockout_days, extra_shoppers=new(k), stores=linked)
            left = sum(1 for p in outcome if p.shopper_id is None and p.store_id in region_stores)
            return _staffed(outcome) - staffed, left

        # From the shoppers the open visits would need at full capacity every week: fewer while that
        # still staffs them all, more until it does (more shoppers never leave more open).
        count = min(MAX_NEW_SHOPPERS, max(1, math.ceil(n_open / (capacity * weeks))))
        more, left = run(count)
        if left == 0:
            while count > 1:
                fewer = run(count - 1)
                if fewer[1] != 0:
                    break
                count, (more, left) = count - 1, fewer
        else:
            while left and count < MAX_NEW_SHOPPERS:
                count += 1
                more, left = run(count)
        if more <= 0:
            continue
        result.append(
            {
                "region": region_names.get(region_id, ""),
                "count": count,
                "capacity": capacity,
                "more": more,
                "all": left == 0,
            }
        )
    return result


def _longer_wave(
    wave: Wave, setup: Setup, proposals: list[planner.Proposal], affected: set[int], visits_needed: Mapping[int, int]
) -> dict | None:
    """The shortest longer wave (by EXTENSIONS_DAYS) that staffs every visit, else the one that
    staffs the most."""
    staffed = _staffed(proposals, affected)
    needed_here = {store_id: n for store_id, n in visits_needed.items() if store_id in affected}
    best = None
    for extra_days in EXTENSIONS_DAYS:
        ends_on = wave.ends_on + dt.timedelta(days=extra_days)
        if ends_on > WAVE_LAST_DAY or (ends_on - wave.starts_on).days >= MAX_WAVE_DAYS:
            break
        longer = setup_for(wave, needed_here, ends_on=ends_on, planned=True)
        more = _staffed(assign(longer, lockout_days=wave.lockout_days)) - staffed
        if more <= 0:
            continue
        option = {
            "days": (ends_on - wave.starts_on).days + 1,
            "ends_on": ends_on.isoformat(),
            "more": more,
            "all": staffed + more >= longer.total,
        }
        if option["all"]:
            return option
        if best is None or more > best["more"]:
            best = option
    return best


def missing(setup: Setup, proposals: list[planner.Proposal]) -> int:
    """Visits the plan leaves without a shopper (open, or without an open day to go)."""
    return setup.total - _staffed(proposals)


KIND = "wave_staffing"
PENDING = {"pending": True}


@outbox.handler(KIND)
def explain_wave(payload: dict) -> None:
    """After planning left visits without a shopper: the wave's `staffing`, worked out in the
    background (the alternatives plan the wave again several times), from the wave as it was last
    planned (two plannings before a worker comes: the later one's)."""
    wave = Wave.objects.select_for_update().filter(pk=payload["wave"]).first()
    if wave is None or wave.planned_at is None or wave.staffing != PENDING:
        return
    visits_needed = dict(wave.wave_stores.values_list("store_id", "visits_needed"))
    setup = setup_for(wave, visits_needed, planned=True)
    proposals = assign(setup, lockout_days=wave.lockout_days)
    wave.staffing = explain(wave=wave, setup=setup, proposals=proposals, visits_needed=visits_needed)
    wave.save(update_fields=["staffing"])
