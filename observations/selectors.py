"""Reads of visits, scoped to the user who asks: the single place views and the API use."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from stores.models import Role, User

from .models import Interaction, Visit, VisitQuerySet


def visits_visible_to(user: User) -> VisitQuerySet:
    """Shoppers see their own visits, supervisors those of their regions' stores, head office all.
    Store managers read reports, never single visits."""
    base = Visit.objects.select_related("store__region", "observer", "reviewed_by", "rubric")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.HEAD_OFFICE:
        return base.all()
    if user.role == Role.SUPERVISOR:
        return base.filter(store__region__in=user.regions.all())
    if user.role == Role.SHOPPER:
        return base.filter(observer=user)
    return base.none()


# Where a visit read for an answer carries its interactions, in order: set by with_interactions()
# for visits read back, and by the submission for a visit it has just written (no read-back).
INTERACTIONS = "interaction_list"


def with_interactions(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.prefetch_related(
        Prefetch("interactions", queryset=Interaction.objects.order_by("position"), to_attr=INTERACTIONS)
    )


def review_queue_for(user: User) -> VisitQuerySet:
    """Flagged shopper visits waiting for a decision, oldest first, for supervisors and head office."""
    if user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        return Visit.objects.none()
    return visits_visible_to(user).awaiting_review().order_by("submitted_at")


def visits_reviewable_by(user: User) -> VisitQuerySet:
    if user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
        return Visit.objects.none()
    return visits_visible_to(user)
