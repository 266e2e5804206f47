"""The notes of a store's week as a report shows them.

Store managers read a note only once a supervisor or head office approved its visit, and then the
text as the reviewer left it (`reviewed_notes`); never a rejected or unreviewed visit's text, and
no date finer than the week. Supervisors and head office see every counted visit's notes with
their day: the reviewed text where there is one, the observer's text marked as not yet reviewed
otherwise. Whose note it is stays hidden from everyone in a report: staff see the kind of observer;
managers not even that, nor the contact's position in its visit (a note on "contact 14" can only come
from a supervisor's walk, and the kind of observer per note would count the shopper's visits).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from observations.models import Interaction, ObserverRole, Visit, VisitStatus, counted_statuses
from stores.models import Store

from .publication import Audience
from .report_sql import note_rows


@dataclass(frozen=True)
class Note:
    observer_role: str
    text: str
    interaction: int | None
    reviewed: bool
    day: dt.date | None  # None for managers: the week is all they learn

    @property
    def observer_label(self) -> str:
        if not self.observer_role:
            return _("from a visit")
        return _("mystery shopper") if self.observer_role == ObserverRole.SHOPPER else _("supervisor")


def _for_managers(store: Store, week_start: dt.date) -> list[Note]:
    # Ordered by the visit's id (random), not by time: the order must not hint at when anyone came.
    rows = note_rows(store_id=store.pk, week_start=week_start, statuses=[VisitStatus.APPROVED], reviewed_only=True)
    return [Note("", reviewed, None, True, None) for _role, _started, _status, _notes, reviewed, _position in rows]


def manager_note_texts(*, store_ids: Iterable[int], weeks: Iterable[dt.date]) -> dict[tuple[int, dt.date], list[str]]:
    """Per (store, week): the texts `_for_managers` gives, for many store-weeks at once (the weeks
    copied at publication, `reports.revisions`): the approved visits' reviewed notes by visit id,
    then their interactions' by visit id and position. Two queries, whatever the number of weeks."""
    approved = Visit.objects.filter(store__in=list(store_ids), week_start__in=list(weeks), status=VisitStatus.APPROVED)
    found: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    for store_id, week, text in (
        approved.exclude(reviewed_notes="").order_by("pk").values_list("store_id", "week_start", "reviewed_notes")
    ):
        found[(store_id, week)].append(text)
    for store_id, week, text in (
        Interaction.objects.filter(visit__in=approved)
        .exclude(reviewed_notes="")
        .order_by("visit_id", "position")
        .values_list("visit__store_id", "visit__week_start", "reviewed_notes")
    ):
        found[(store_id, week)].append(text)
    return dict(found)


def _for_staff(store: Store, week_start: dt.date, approved_only: bool) -> list[Note]:
    tz = store.tzinfo

    def note(role, started_at, status, original, reviewed, position) -> Note | None:
        is_reviewed = status == VisitStatus.APPROVED
        text = reviewed if is_reviewed else original
        return Note(role, text, position, is_reviewed, started_at.astimezone(tz).date()) if text else None

    rows = note_rows(
        store_id=store.pk, week_start=week_start, statuses=counted_statuses(approved_only), reviewed_only=False
    )
    found = [item for item in (note(*row) for row in rows) if item is not None]
    found.sort(key=lambda item: (item.day, item.interaction or 0))
    return found


def notes_of(*, store: Store, week_start: dt.date, approved_only: bool, audience: Audience) -> list[Note]:
    if audience is Audience.MANAGER:
        return _for_managers(store, week_start)
    return _for_staff(store, week_start, approved_only)
