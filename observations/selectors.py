"""Reads of visits, scoped to the user who asks: the single place views and the API use."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, QuerySet, Value, When
from django.utils import timezone

from stores.models import Role, User
from stores.selectors import regions_supervised_by

from .models import Interaction, ObserverRole, Visit, VisitQuerySet, VisitQuestion, VisitStatus


def visits_visible_to(user: User) -> VisitQuerySet:
    """Shoppers see their own visits, supervisors those of their regions' stores, head office all.
    Store managers read reports, never single visits."""
    base = Visit.objects.select_related("store__region", "observer", "reviewed_by", "rubric")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.HEAD_OFFICE:
        return base.all()
    if user.role == Role.SUPERVISOR:
        return base.filter(store__region__in=regions_supervised_by(user))
    if user.role == Role.SHOPPER:
        return base.filter(observer=user)
    return base.none()


def visits_recorded_by(user: User) -> VisitQuerySet:
    """The user's own visits, whichever stores they may see now (the answer to a replay)."""
    return Visit.objects.select_related("store__region", "observer", "reviewed_by", "rubric").filter(observer=user)


# Where a visit read for an answer carries its interactions, in order: set by with_interactions()
# for visits read back, and by the submission for a visit it has just written (no read-back).
INTERACTIONS = "interaction_list"


def with_interactions(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.prefetch_related(
        Prefetch("interactions", queryset=Interaction.objects.order_by("position"), to_attr=INTERACTIONS)
    )


@dataclass(frozen=True)
class QueueFilters:
    """What a reviewer narrows the queue to. `flag` is "flagged", "unflagged" or a flag code;
    `min_age_days` keeps visits waiting at least that many days since submission."""

    store: str = ""
    region: str = ""
    flag: str = ""
    min_age_days: int | None = None
    waiting_for_shopper: bool | None = None


def review_queue_for(
    user: User, filters: QueueFilters | None = None, *, now: dt.datetime | None = None
) -> VisitQuerySet:
    """Shopper visits waiting for a first decision that the user may review (never their own),
    flagged ones first, then oldest first; each knows whether a question to the shopper is open.
    The same queryset gives the list and its count, so they always agree."""
    if user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        return Visit.objects.none()
    filters = filters or QueueFilters()
    open_question = VisitQuestion.objects.filter(visit=OuterRef("pk"), answered_at__isnull=True)
    queue = (
        visits_visible_to(user)
        .filter(observer_role=ObserverRole.SHOPPER, status=VisitStatus.SUBMITTED)
        .exclude(observer=user)
        .annotate(
            waiting_for_shopper=Exists(open_question),
            is_flagged=Case(When(flags=[], then=Value(False)), default=Value(True), output_field=BooleanField()),
        )
    )
    if filters.store:
        queue = queue.filter(store__code=filters.store)
    if filters.region:
        queue = queue.filter(store__region__code=filters.region)
    if filters.flag == "flagged":
        queue = queue.exclude(flags=[])
    elif filters.flag == "unflagged":
        queue = queue.filter(flags=[])
    elif filters.flag:
        # Flag codes are distinctive words that occur in a visit's flags only as a code.
        queue = queue.filter(flags__icontains=f'"{filters.flag}"')
    if filters.min_age_days:
        queue = queue.filter(submitted_at__lte=(now or timezone.now()) - dt.timedelta(days=filters.min_age_days))
    if filters.waiting_for_shopper is not None:
        queue = queue.filter(waiting_for_shopper=filters.waiting_for_shopper)
    return queue.order_by("-is_flagged", "submitted_at", "pk")


def open_questions_for(user: User):
    """Reviewers' questions about the user's own visits that they have not answered yet."""
    return (
        VisitQuestion.objects.filter(visit__observer=user, answered_at__isnull=True)
        .select_related("visit__store")
        .order_by("asked_at")
    )


def decisions_of(visit: Visit):
    return visit.decisions.select_related("decided_by", "previous_reviewed_by").order_by("decided_at", "pk")


def visits_reviewable_by(user: User) -> VisitQuerySet:
    if user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        return Visit.objects.none()
    return visits_visible_to(user)


def closest_repeat_visit_start(
    *, observer_id: int, store_id: int, started_at: dt.datetime, window: dt.timedelta, other_than: uuid.UUID
) -> dt.datetime | None:
    """When the observer's other visit to the store that started closest to `started_at` started,
    if one started within `window` of it (the repeat-visit check of every shopper's submission;
    its flag names the closest one's distance).

    The query of `repeat_visits_queryset`, written out, and only its closest row read: composed,
    compiled and run through the ORM it cost about 1 ms of CPU on every shopper's submission, this
    about 0.2 ms (5 x 300 each, alternated, on a loaded machine), and a shopper with many visits to
    a store within the window no longer has each of them read and converted; a test checks it
    against the queryset's closest. PostgreSQL only."""
    if connection.vendor != "postgresql":  # SQLite stores ids and times as text: the ORM converts them
        starts = repeat_visits_queryset(
            observer_id=observer_id, store_id=store_id, started_at=started_at, window=window, other_than=other_than
        )
        return min(starts, key=lambda start: abs(start - started_at), default=None)
    sql = f"SELECT ({closest_start_sql('%s')})"
    params = [store_id, observer_id, started_at - window, started_at + window, other_than, started_at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@functools.cache
def closest_start_sql(store: str) -> str:
    """The SELECT of `closest_repeat_visit_start` for the store `store` (an SQL expression: a
    parameter, or a column of an outer query), then its parameters in this order: the observer's
    id, the window's start and end (both excluded), the visit's own id, and its start."""
    quote = connection.ops.quote_name
    columns = {name: quote(Visit._meta.get_field(name).column) for name in ("observer", "store", "started_at", "id")}
    started_at = f"v.{columns['started_at']}"
    return (
        f"SELECT {started_at} FROM {quote(Visit._meta.db_table)} v WHERE v.{columns['store']} = {store}"  # noqa: S608 (names from the model)
        f" AND v.{columns['observer']} = %s AND {started_at} > %s AND {started_at} < %s AND v.{columns['id']} <> %s"
        f" ORDER BY abs(extract(epoch FROM {started_at} - %s)) LIMIT 1"
    )


def repeat_visits_queryset(
    *, observer_id: int, store_id: int, started_at: dt.datetime, window: dt.timedelta, other_than: uuid.UUID
):
    """The rule of `closest_repeat_visit_start` as a queryset, every start (the reference its test
    compares with)."""
    return (
        Visit.objects.filter(
            observer_id=observer_id,
            store_id=store_id,
            started_at__gt=started_at - window,
            started_at__lt=started_at + window,
        )
        .exclude(pk=other_than)
        .values_list("started_at", flat=True)
    )
