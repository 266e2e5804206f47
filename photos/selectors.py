"""Reads of photos, scoped to the user in one place: supervisors see the photos of their
regions' visits, head office all; shoppers and store managers none (a manager must never see
evidence of who came when)."""

from __future__ import annotations

from django.db.models import QuerySet

from observations.selectors import visits_visible_to
from stores.models import Role, User

from .models import Photo

READERS = (Role.SUPERVISOR, Role.HEAD_OFFICE)


def photos_visible_to(user: User) -> QuerySet[Photo]:
    if user.role not in READERS:
        return Photo.objects.none()
    return Photo.objects.filter(visit__in=visits_visible_to(user).values("pk"))
