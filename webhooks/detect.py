"""Events that happen by the clock: a store's week becomes published (Monday 06:00 store-local by
default), a store of a running wave falls at risk of missing its target. Run by beat
(webhooks.tasks.find_events); each is announced once (AnnouncedWeek, CoverageRisk)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from planning.models import Wave, WaveStatus
from planning.selectors import wave_coverage
from reports.figures import rollup_scope
from reports.models import StoreWeekRollup
from reports.periods import monday_of
from reports.publication import is_published
from stores.models import Role, Store, User

from .events import coverage_data, emit, store_week_data
from .models import AnnouncedWeek, CoverageRisk, EventType


def announce_published_weeks(now: dt.datetime | None = None) -> int:
    """Announce every store-week published by `now` (this UTC week's and the one before: a week is
    published at a different moment in each time zone) that has visits and was not announced."""
    now = now or timezone.now()
    this_week = monday_of(now.astimezone(dt.UTC).date())
    scope = rollup_scope(settings.OASIS_REPORTS_APPROVED_ONLY)
    announced = 0
    for week_start in (this_week - dt.timedelta(weeks=2), this_week - dt.timedelta(weeks=1), this_week):
        candidates = (
            Store.objects.filter(
                pk__in=StoreWeekRollup.objects.filter(scope=scope, week_start=week_start, n_visits__gt=0).values(
                    "store_id"
                )
            )
            .exclude(pk__in=AnnouncedWeek.objects.filter(week_start=week_start).values("store_id"))
            .select_related("region")
            .order_by("code")
        )
        for store in candidates:
            if not is_published(week_start, store.tzinfo, now):
                continue
            with transaction.atomic():
                _, created = AnnouncedWeek.objects.get_or_create(store=store, week_start=week_start)
                if not created:
                    continue  # another run announced it meanwhile
                data = store_week_data(store, week_start)
                if data is not None:
                    emit(EventType.STORE_WEEK_PUBLISHED, stream=store.code, data=data, now=now)
                    announced += 1
    return announced


def _head_office_view() -> User:
    """Wave coverage is read as head office reads it (every store of the wave); an unsaved user,
    nothing is done in its name."""
    return User(role=Role.HEAD_OFFICE, is_active=True)


def announce_coverage_risks(today: dt.date | None = None) -> int:
    """Announce each store of a published, running wave whose risks grew since last announced."""
    today = today or timezone.localdate()
    announced = 0
    for wave in Wave.objects.filter(status=WaveStatus.PUBLISHED, starts_on__lte=today, ends_on__gte=today):
        known = dict(CoverageRisk.objects.filter(wave=wave).values_list("store__code", "risks"))
        stores = dict(wave.wave_stores.values_list("store__code", "store_id"))
        for row in wave_coverage(_head_office_view(), wave, today=today):
            risks = ",".join(row.figures.risks)
            before = set(filter(None, known.get(row.store_code, "").split(",")))
            if risks == known.get(row.store_code, ""):
                continue
            with transaction.atomic():
                CoverageRisk.objects.update_or_create(
                    wave=wave,
                    store_id=stores[row.store_code],
                    defaults={"risks": risks},
                )
                if set(row.figures.risks) - before:
                    emit(EventType.WAVE_COVERAGE_AT_RISK, stream=row.store_code, data=coverage_data(wave, row))
                    announced += 1
    return announced
