"""Which stores a user may see, observe or read reports of: the one place scoping is decided."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role, Store, User


def _region_stores(user: User) -> QuerySet[Store]:
    return Store.objects.filter(region__in=user.regions.all())


def stores_visible_to(user: User) -> QuerySet[Store]:
    """Stores the user may see at all (store lists, /me/)."""
    base = Store.objects.select_related("region")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.HEAD_OFFICE:
        return base.all()
    if user.role == Role.SUPERVISOR:
        return base.filter(region__in=user.regions.all())
    if user.role in (Role.SHOPPER, Role.MANAGER):
        return base.filter(pk__in=user.stores.all())
    return base.none()


def stores_observable_by(user: User) -> QuerySet[Store]:
    """Active stores the user may record a visit for: shoppers their assigned stores,
    supervisors their regions' stores, head office all; managers none."""
    if not user.is_authenticated or user.role == Role.MANAGER:
        return Store.objects.none()
    return stores_visible_to(user).filter(is_active=True)


def stores_reportable_to(user: User) -> QuerySet[Store]:
    """Stores whose reports the user may read: managers their own, supervisors their regions,
    head office all; shoppers none."""
    if not user.is_authenticated or user.role == Role.SHOPPER:
        return Store.objects.none()
    return stores_visible_to(user)
