"""What needs a user now: the items of their start page, read through each app's scoped selectors.

Supervisors and head office: plans awaiting a decision, visits to review, answered questions,
running waves at risk, and (head office) e-mails failing and follow-up work retried. Store
managers: each store's latest published report and its plans to fill in or revise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coaching.models import ActionPlan, PlanNotice, PlanState
from coaching.selectors import plans_decidable_by, plans_editable_by
from core.models import OutboxItem
from notifications.models import DeliveryStatus, ReportDelivery, VisitAlert
from observations.models import VisitQuestion, VisitStatus
from observations.selectors import review_queue_for, visits_reviewable_by
from planning.models import AssignmentMail, Wave, WaveStatus
from planning.selectors import wave_coverage, waves_visible_to
from reports.periods import week_label
from reports.publication import latest_published_week, published_at
from stores.models import Role, Store, User
from stores.selectors import stores_reportable_to

LISTED = 10  # items shown per section; the section links to the full list


@dataclass(frozen=True)
class WaveAtRisk:
    wave: Wave
    stores_at_risk: int
    stores: int


@dataclass(frozen=True)
class FailingDeliveries:
    """Counts of e-mails whose last attempt failed, by admin section, and outbox work being retried."""

    by_model: list[tuple[str, str | None, int]]  # (verbose name, admin list address if it has one, count)
    outbox_retried: int

    @property
    def total(self) -> int:
        return sum(count for _name, _url, count in self.by_model) + self.outbox_retried


@dataclass(frozen=True)
class StaffStart:
    plans_to_decide: list[ActionPlan]
    plans_to_decide_count: int
    to_review: int
    to_review_flagged: int
    answered_questions: list[VisitQuestion]
    waves_at_risk: list[WaveAtRisk]
    failing: FailingDeliveries | None

    @property
    def is_empty(self) -> bool:
        return not (
            self.plans_to_decide_count
            or self.to_review
            or self.answered_questions
            or self.waves_at_risk
            or (self.failing and self.failing.total)
        )


@dataclass(frozen=True)
class ManagerStore:
    store: Store
    latest_week: dt.date
    latest_label: str
    running_week_published_at: dt.datetime
    plans: list[ActionPlan] = field(default_factory=list)


def staff_start(user: User, *, today: dt.date | None = None) -> StaffStart:
    today = today or timezone.localdate()
    to_decide = plans_decidable_by(user).filter(state=PlanState.SUBMITTED).order_by("submitted_at", "pk")
    queue = review_queue_for(user)
    answered = (
        VisitQuestion.objects.filter(
            answered_at__isnull=False,
            visit__status=VisitStatus.SUBMITTED,
            visit__in=visits_reviewable_by(user).exclude(observer=user).values("pk"),
        )
        .select_related("visit__store")
        .order_by("-answered_at")
    )
    running = (
        waves_visible_to(user)
        .filter(status=WaveStatus.PUBLISHED, starts_on__lte=today, ends_on__gte=today)
        .order_by("ends_on", "pk")
    )
    at_risk = []
    for wave in running[:LISTED]:
        rows = wave_coverage(user, wave, today=today)
        risky = sum(1 for row in rows if row.figures.at_risk)
        if risky:
            at_risk.append(WaveAtRisk(wave=wave, stores_at_risk=risky, stores=len(rows)))
    return StaffStart(
        plans_to_decide=list(to_decide[:LISTED]),
        plans_to_decide_count=to_decide.count(),
        to_review=queue.count(),
        to_review_flagged=queue.filter(is_flagged=True).count(),
        answered_questions=list(answered[:LISTED]),
        waves_at_risk=at_risk,
        failing=failing_deliveries() if user.role == Role.HEAD_OFFICE else None,
    )


def failing_deliveries() -> FailingDeliveries:
    models = [ReportDelivery, VisitAlert, PlanNotice, AssignmentMail]
    by_model = []
    for model in models:
        count = model.objects.filter(status=DeliveryStatus.FAILED).count()
        if count:
            meta = model._meta
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + "?status__exact=failed"
            except NoReverseMatch:
                url = None
            by_model.append((str(meta.verbose_name_plural), url, count))
    return FailingDeliveries(by_model=by_model, outbox_retried=OutboxItem.objects.filter(attempts__gt=0).count())


def manager_start(user: User, *, now: dt.datetime | None = None) -> list[ManagerStore]:
    now = now or timezone.now()
    stores = list(stores_reportable_to(user).order_by("name"))
    plans_by_store: dict[int, list[ActionPlan]] = {}
    editable = plans_editable_by(user).filter(state__in=[PlanState.OPEN, PlanState.RETURNED]).order_by("-week_start")
    for plan in editable:
        plans_by_store.setdefault(plan.store_id, []).append(plan)
    result = []
    for store in stores:
        latest = latest_published_week(store.tzinfo, now)
        running = latest + dt.timedelta(weeks=1)
        result.append(
            ManagerStore(
                store=store,
                latest_week=latest,
                latest_label=week_label(latest),
                running_week_published_at=published_at(running, store.tzinfo),
                plans=plans_by_store.get(store.pk, []),
            )
        )
    return result
