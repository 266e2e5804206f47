"""Follow-up work, recorded in the transaction of the change that needs it and done afterwards.

A submission, review or correction writes what has to follow it (a store-week's rollup to refresh,
a low-score alert to raise, an e-mail to send) as `OutboxItem` rows in its own transaction: the
work exists exactly when the change commits, and recording it is one INSERT, which cannot fail
because the broker is down. Nothing waits in the broker with a countdown: what is due is in the
database.

Workers are asked to do the work in two ways. After a commit a "kick" asks a Celery worker to do
what is due, at most once per `OASIS_OUTBOX_KICK_SECONDS` (default 5) per web process: a visit after
a quiet spell is refreshed at once, while under load one kick does the work of the many commits
before it instead of one task per commit. What a kick does not cover (commits within the interval
after a kick, a kick lost because the broker could not be reached) is done by the beat sweep every
`OASIS_OUTBOX_SWEEP_SECONDS` (default 5), which is therefore the longest work waits while a worker
is up: the staff's live week is at most that many seconds behind, and managers read only
published weeks.

A worker claims due rows with SELECT ... FOR UPDATE SKIP LOCKED, does them and deletes them, in one
transaction (work that talks to the outside world, `transactional=False`, is instead leased for
`LEASE` in the claim's transaction and done after its commit, so that no lock or transaction is held
across an e-mail or HTTP call; a worker that dies meanwhile leaves it due again when the lease ends). That is where coalescing happens: a kind registered with `batch=True` (the rollup
refresh) claims up to `BATCH` due rows at once and its handler gets each key's payload once (one
set-based refresh of every store-week visited since the last claim); other kinds claim one row with
every other due row of its kind and key. A row becomes visible only when the change that wrote it
commits, so a refresh that claims it always sees that change. A worker killed half-way leaves the
rows as they were (its transaction dies with it) for the next sweep. A handler that raises is
rolled back, and its rows are tried again with backoff, the error kept on them (admin); a batch
that raises is tried again key by key at once, so one bad key holds up only its own rows. A kind
registered with `attempts=N` is given up after its N-th failed attempt: its rows are deleted and its
`gave_up` function (payload, attempts, error) says so where people look (an import job's page), in
one transaction; other kinds are tried again for as long as it takes. Every failed attempt, and
every piece of work given up, is counted for the operator's metrics as it happens.

Without a broker (`OASIS_OUTBOX_INLINE`, the laptop default) the same rows are written and done
by the same code, at once: database work inside the recording transaction, so a report read
right after a submission already counts it; work that talks to the outside world (e-mail) right
after the commit.

Kinds are registered by the apps that own the work (`@outbox.handler("rollup_refresh")` in a
module imported by the app's `ready()`); a handler takes the payload (a batch handler: the list of
payloads), is safe to run twice, and returns False to keep its rows for a later attempt while
keeping what it wrote.

An app that changes something others follow up on does not name their work: it announces an
event (`outbox.announce("visit_changed", payload)`) and records the work its subscribers return
(`@outbox.subscriber("visit_changed")`, registered like handlers). So observations need not know
that reports refresh a rollup or that notifications raise an alert.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from prometheus_client import Counter

from . import logs
from .models import OutboxItem

logger = logging.getLogger(__name__)

# Takes the payload (a batch kind's: the list of payloads).
Handler = Callable[[Any], "bool | None"]
# Takes the payload, the attempts made and the last one's error, when the work is given up.
GaveUp = Callable[[Any, int, str], None]

# Counted as it happens (the gauges of core.metrics read only the work still waiting, so work given
# up would otherwise vanish from them with its rows).
FAILED_ATTEMPTS = Counter(
    "oasis_outbox_attempts_failed_total",
    "Failed attempts of outbox work (raised, or asked to be tried again), by kind, counted as they happen.",
    ["kind"],
)
GIVEN_UP = Counter(
    "oasis_outbox_given_up_total",
    "Outbox work given up after its kind's last attempt failed (the work's own page says so), by kind.",
    ["kind"],
)

MAX_BACKOFF = dt.timedelta(hours=1)
# How long rows of a kind that is not transactional stay claimed while a worker does them after the
# claim has committed (an e-mail: the mail server's timeout, 30 s by default, fits many times).
LEASE = dt.timedelta(minutes=2)
# The most rows of a batch kind one claim takes (one transaction, one call of its handler).
BATCH = 1000


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    # Writes to this database only: without a broker it runs inside the recording transaction.
    # Otherwise (e-mail, anything outside) it runs after the commit.
    transactional: bool
    # The handler takes the list of payloads of every key claimed together (see the module's doc).
    batch: bool = False
    # Given up after this many failed attempts (None: tried again for as long as it takes).
    attempts: int | None = None
    gave_up: GaveUp | None = None


_kinds: dict[str, Kind] = {}


def handler(
    kind: str,
    *,
    transactional: bool = True,
    batch: bool = False,
    attempts: int | None = None,
    gave_up: GaveUp | None = None,
) -> Callable[[Handler], Handler]:
    """Register the function doing the work of `kind` (with `batch`, of many keys at once; with
    `attempts`, given up after that many failed attempts, `gave_up` called to say so)."""
    if attempts is not None and attempts < 1:
        raise ValueError(f"outbox kind {kind!r}: attempts must be at least 1, got {attempts}")

    def register(function: Handler) -> Handler:
        known = _kinds.get(kind)
        if known is not None and known.handler is not function:
            raise ValueError(f"outbox kind {kind!r} is already handled by {known.handler!r}")
        _kinds[kind] = Kind(kind, function, transactional, batch, attempts, gave_up)
        return function

    return register


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


# Takes an event's payload, returns the follow-up work it calls for (possibly none).
Subscriber = Callable[[dict], "Iterable[Work]"]

_subscribers: dict[str, list[Subscriber]] = {}


def subscriber(event: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function turning `event` into follow-up work (called in the announcing transaction:
    it decides from the payload alone, without queries)."""

    def register(function: Subscriber) -> Subscriber:
        known = _subscribers.setdefault(event, [])
        if function not in known:
            known.append(function)
        return function

    return register


def announce(event: str, payload: dict) -> list[Work]:
    """The follow-up work every subscriber of `event` wants, in the order they registered (the
    order of INSTALLED_APPS), for the announcing code to record."""
    return [work for function in _subscribers.get(event, ()) for work in function(payload)]


@dataclass(frozen=True)
class Work:
    """One piece of follow-up work. Work of the same kind and key is the same work: it is done once
    for all the rows recorded before a worker claims them (the payload must follow from the key)."""

    kind: str
    key: str
    payload: dict = field(default_factory=dict)


def record(*works: Work) -> list[int]:
    """Record follow-up work in the current transaction (one INSERT), and have it done after the
    commit: by a worker (kicked, and else the sweep), or, without a broker, here and now."""
    if not works:
        return []
    items = OutboxItem.objects.bulk_create(rows(*works))
    return recorded(items)


def rows(*works: Work) -> list[OutboxItem]:
    """The unsaved rows recording `works`, for a caller that inserts them with its own statement
    (and then calls `recorded`)."""
    for work in works:
        if work.kind not in _kinds:
            raise LookupError(f"no handler for outbox kind {work.kind!r}")
    now = timezone.now()
    request_id = logs.current_request_id()
    return [
        OutboxItem(kind=w.kind, key=w.key, payload=w.payload, created_at=now, available_at=now, request_id=request_id)
        for w in works
    ]


def recorded(items: Sequence[OutboxItem]) -> list[int]:
    """After the rows are inserted, in the transaction that inserted them: have the work done."""
    ids = [item.pk for item in items]
    if not ids:
        return ids
    if settings.OASIS_OUTBOX_INLINE:
        _do_inline(items)
    elif settings.OASIS_OUTBOX_KICK and time.monotonic() >= _next_kick:
        transaction.on_commit(lambda: kick(ids))
    return ids


# When this process may kick again (time.monotonic()): kicks are spaced by OASIS_OUTBOX_KICK_SECONDS.
_next_kick = 0.0


def _do_inline(items: Sequence[OutboxItem]) -> None:
    now_ids = [item.pk for item in items if _kinds[item.kind].transactional]
    later_ids = [item.pk for item in items if not _kinds[item.kind].transactional]
    if now_ids:
        run(now_ids)
    if later_ids:
        transaction.on_commit(lambda: run(later_ids))


def kick(ids: Sequence[int]) -> None:
    """Ask a worker to do what is due now (these items among it), unless this process kicked less
    than OASIS_OUTBOX_KICK_SECONDS ago. Called after commit; never fails the caller: if the broker
    does not answer (bounded by the broker's connect and socket timeouts, no retries), the items
    wait for the sweep."""
    global _next_kick
    now = time.monotonic()
    if now < _next_kick:  # another commit of this process kicked meanwhile: its kick covers these
        return
    _next_kick = now + settings.OASIS_OUTBOX_KICK_SECONDS
    try:
        run_outbox.apply_async((list(ids),), retry=False)
    except Exception:  # the broker is down or unreachable: the sweep does the work later
        logger.warning("outbox: broker unreachable, %d item(s) left for the sweep", len(ids), exc_info=True)


def run(ids: Iterable[int] | None = None, *, limit: int = 500) -> int:
    """Do due work: the given items (after a kick, or inline), or any due item (the sweep), one
    kind and key per transaction, at most `limit` of them. Returns how many were done or tried."""
    wanted = None if ids is None else set(ids)
    # Only what was due when this run started: work recorded meanwhile waits for the next kick or
    # sweep. Otherwise, under load, a run would go on claiming the few rows committed while it did
    # the last batch, one small batch after another, and refreshes would no longer coalesce.
    started = timezone.now()
    count = 0
    while count < limit and (wanted is None or wanted):
        # Its own transaction in a worker; inline, part of the recording one (no savepoint needed:
        # the handler has its own).
        with transaction.atomic(savepoint=False):
            claimed = _claim(wanted, started)
            if not claimed:
                break
            outside = not _kinds[claimed[0].kind].transactional if claimed[0].kind in _kinds else False
            if outside:
                _lease(claimed)
            else:
                with _logged(claimed):
                    _do(claimed)
        if outside:
            # Work that talks to the outside world (the mail server) runs after the claim's commit,
            # with no transaction or row lock held across the call: claim, commit, act, record.
            with _logged(claimed):
                _do(claimed)
        if wanted is not None:
            wanted.difference_update(item.pk for item in claimed)
        count += 1
    return count


@contextmanager
def _logged(claimed: list[OutboxItem]) -> Iterator[None]:
    """Work is logged under the id of the request that recorded it (the first item's; a batch
    lists every request it serves)."""
    with logs.bound(request_id=claimed[0].request_id or None):
        request_ids = sorted({item.request_id for item in claimed if item.request_id})
        logger.info(
            "outbox: %s, %d item(s)",
            claimed[0].kind,
            len(claimed),
            extra={"outbox_kind": claimed[0].kind, "items": len(claimed), "request_ids": request_ids[:50]},
        )
        yield


def _claim(wanted: set[int] | None, due_by: dt.datetime) -> list[OutboxItem]:
    """Lock one due item (of `wanted`, if given) and the items done with it: of a batch kind, up to
    BATCH due items of that kind (of `wanted`, if given); else every other due item of its kind and
    key. Items another worker holds are skipped."""
    due = OutboxItem.objects.select_for_update(skip_locked=True).filter(available_at__lte=due_by)
    first_of = due if wanted is None else due.filter(pk__in=wanted)
    first = first_of.order_by("pk").first()
    if first is None:
        return []
    kind = _kinds.get(first.kind)
    if kind is not None and kind.batch:
        rest = first_of.filter(kind=first.kind, pk__gt=first.pk).order_by("pk")[: BATCH - 1]
    else:
        rest = due.filter(kind=first.kind, key=first.key).exclude(pk=first.pk).order_by("pk")
    return [first, *rest]


def _lease(claimed: list[OutboxItem]) -> None:
    """Keep claimed rows from other workers while they are worked on outside the claim's
    transaction; a worker that dies meanwhile leaves them due again when the lease ends."""
    OutboxItem.objects.filter(pk__in=[item.pk for item in claimed]).update(available_at=timezone.now() + LEASE)


def _do(claimed: list[OutboxItem]) -> None:
    kind = _kinds.get(claimed[0].kind)
    if kind is not None and kind.batch:
        by_key: dict[str, list[OutboxItem]] = {}
        for item in claimed:
            by_key.setdefault(item.key, []).append(item)
        if len(by_key) > 1:
            try:
                with transaction.atomic():
                    done = kind.handler([items[0].payload for items in by_key.values()]) is not False
            except Exception:  # tried again key by key below, so that one bad key holds up only itself
                logger.warning(
                    "outbox: a batch of %d %s failed, trying each key", len(by_key), kind.name, exc_info=True
                )
            else:
                _finish(claimed, done, kind, None)
                return
        for items in by_key.values():
            _do_one(items, kind, [items[0].payload])
        return
    _do_one(claimed, kind, claimed[0].payload)


def _do_one(claimed: list[OutboxItem], kind: Kind | None, payload) -> None:
    """Do the work of one kind and key (`payload`: a batch kind's is the list of one payload)."""
    first = claimed[0]
    try:
        if kind is None:
            raise LookupError(f"no handler for outbox kind {first.kind!r}")
        if kind.transactional:
            with transaction.atomic():
                done = kind.handler(payload) is not False
        else:  # its own short transactions (claim, record); none around the outside call
            done = kind.handler(payload) is not False
    except Exception as error:  # any failure of the work: rolled back, tried again later
        logger.exception("outbox: %s %s failed", first.kind, first.key)
        _failed(claimed, f"{error.__class__.__name__}: {error}", kind, payload)
        return
    _finish(claimed, done, kind, payload)


def _finish(claimed: list[OutboxItem], done: bool, kind: Kind | None, payload) -> None:
    if done:
        OutboxItem.objects.filter(pk__in=[item.pk for item in claimed]).delete()
    elif payload is None:  # a whole batch asked to be tried again: each key has its own attempts
        FAILED_ATTEMPTS.labels(kind=claimed[0].kind).inc()
        _postpone(claimed, "")
    else:
        _failed(claimed, "", kind, payload)


def _failed(claimed: list[OutboxItem], error: str, kind: Kind | None, payload) -> None:
    """After a failed attempt: try again later, or, after the kind's last attempt, give up."""
    FAILED_ATTEMPTS.labels(kind=claimed[0].kind).inc()
    attempts = max(item.attempts for item in claimed) + 1
    if kind is None or kind.attempts is None or attempts < kind.attempts:
        _postpone(claimed, error)
        return
    try:
        with transaction.atomic():
            if kind.gave_up is not None:
                kind.gave_up(payload, attempts, error)
            OutboxItem.objects.filter(pk__in=[item.pk for item in claimed]).delete()
    except Exception:  # saying so failed too: tried again later, given up then
        logger.exception("outbox: %s %s could not be given up", kind.name, claimed[0].key)
        _postpone(claimed, error)
        return
    GIVEN_UP.labels(kind=kind.name).inc()
    logger.error(
        "outbox: %s %s given up after %d failed attempts: %s",
        kind.name,
        claimed[0].key,
        attempts,
        error,
        extra={"outbox_kind": kind.name, "attempts": attempts},
    )


def _postpone(claimed: list[OutboxItem], error: str) -> None:
    attempts = max(item.attempts for item in claimed) + 1
    delay = min(dt.timedelta(seconds=settings.OASIS_OUTBOX_SWEEP_SECONDS) * 2 ** (attempts - 1), MAX_BACKOFF)
    OutboxItem.objects.filter(pk__in=[item.pk for item in claimed]).update(
        attempts=attempts, last_error=error[:2000], available_at=timezone.now() + delay
    )


# The Celery tasks (core.tasks, where Celery finds them, names them; they live here so that the
# kick above needs no import of the module that imports this one).
@shared_task(name="core.tasks.run_outbox", acks_late=True, ignore_result=True)
def run_outbox(ids: list[int] | None = None) -> int:
    """The kick after a commit: do whatever is due, the work of the commits since the last kick
    with it (`ids`, the kicking commit's own items, are among it; the sweep covers a lost kick)."""
    return run()


@shared_task(name="core.tasks.sweep_outbox", acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Run by beat every OASIS_OUTBOX_SWEEP_SECONDS: whatever is due and no worker is doing."""
    return run(limit=100_000)


@dataclass(frozen=True)
class Backlog:
    """What waits of one kind: the operator's metrics and the readiness probe read it."""

    kind: str
    pending: int
    due: int
    # Seconds the longest-due item has been due without a worker doing it (0 when nothing is due):
    # how far behind the workers are. A failing item's backoff does not count (it is not due).
    oldest_due_seconds: float
    failing: int  # items whose last attempt failed
    failed_attempts: int  # their failed attempts, added up


def backlog(now: dt.datetime | None = None) -> list[Backlog]:
    """The outbox by kind, in one query (the table holds only pending work)."""
    now = now or timezone.now()
    due = Q(available_at__lte=now)
    rows = (
        OutboxItem.objects.order_by()
        .values("kind")
        .annotate(
            pending=Count("pk"),
            due=Count("pk", filter=due),
            oldest_due=Min("available_at", filter=due),
            failing=Count("pk", filter=Q(attempts__gt=0)),
            failed_attempts=Sum("attempts"),
        )
    )
    return [
        Backlog(
            kind=row["kind"],
            pending=row["pending"],
            due=row["due"],
            oldest_due_seconds=max(0.0, (now - row["oldest_due"]).total_seconds()) if row["oldest_due"] else 0.0,
            failing=row["failing"],
            failed_attempts=row["failed_attempts"] or 0,
        )
        for row in rows
    ]
