"""Which stores a user may see, observe or read reports of: the one place scoping is decided."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Region, Role, Store, User


def supervises(user: User, region_id: int) -> bool:
    """Whether the user supervises this region: an active supervisor it is assigned to. Head office
    supervises no region of its own; where it may do what supervisors do, the caller says so."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.regions.filter(pk=region_id).exists()
    )


def supervisors_of(region_id: int) -> QuerySet[User]:
    """The active supervisors of a region (e.g. to alert them)."""
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True, regions=region_id)


def regions_supervised_by(user: User) -> QuerySet[Region]:
    """The regions the user supervises (none unless an active supervisor)."""
    if not user.is_authenticated or not user.is_active or user.role != Role.SUPERVISOR:
        return Region.objects.none()
    return Region.objects.filter(supervisors=user)


def sees_observers(user: User) -> bool:
    """Who may see who observed a visit, and its plausibility flags: supervisors and head office.
    Store managers never (nor shoppers, beyond their own visits' content)."""
    return user.is_authenticated and user.is_active and user.role in (Role.SUPERVISOR, Role.HEAD_OFFICE)


def stores_visible_to(user: User) -> QuerySet[Store]:
    """Stores the user may see at all (store lists, /me/)."""
    base = Store.objects.select_related("region")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.HEAD_OFFICE:
        return base.all()
    # Joins through the membership tables, not subqueries of the user's related managers: the
    # same stores (one membership row per store at most), in a query that is cheaper to build.
    if user.role == Role.SUPERVISOR:
        return base.filter(region__supervisors=user)
    if user.role in (Role.SHOPPER, Role.MANAGER):
        return base.filter(people=user)
    return base.none()


def stores_observable_by(user: User) -> QuerySet[Store]:
    """Active stores the user may record a visit for: shoppers their assigned stores,
    supervisors their regions' stores, head office all; managers none."""
    if not user.is_authenticated or user.role == Role.MANAGER:
        return Store.objects.none()
    return stores_visible_to(user).filter(is_active=True)


def observable_store(user: User, code: str) -> Store | None:
    """The store with this code if the user may record a visit for it (every submission asks)."""
    try:
        return stores_observable_by(user).select_related(None).get(code=code)
    except Store.DoesNotExist:
        return None


def stores_reportable_to(user: User) -> QuerySet[Store]:
    """Stores whose reports the user may read: managers their own, supervisors their regions,
    head office all; shoppers none."""
    if not user.is_authenticated or user.role == Role.SHOPPER:
        return Store.objects.none()
    return stores_visible_to(user)


def personal_data(user: User) -> dict:
    """Everything Service Oasis holds about the user, for them to download."""
    from observations.models import Interaction, Visit

    visits = Visit.objects.filter(observer=user).select_related("store").order_by("started_at")
    interactions_by_visit: dict = {}
    for interaction in Interaction.objects.filter(visit__observer=user).order_by("position").values():
        interactions_by_visit.setdefault(interaction.pop("visit_id"), []).append(interaction)
    return {
        "user": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "stores": list(user.stores.values_list("code", flat=True)),
            "regions": list(user.regions.values_list("code", flat=True)),
        },
        "visits": [
            {
                "id": str(visit.pk),
                "store": visit.store.code,
                "started_at": visit.started_at.isoformat(),
                "ended_at": visit.ended_at.isoformat(),
                "submitted_at": visit.submitted_at.isoformat(),
                "status": visit.status,
                "notes": visit.notes,
                "latitude": visit.latitude,
                "longitude": visit.longitude,
                "location_accuracy_m": visit.location_accuracy_m,
                "soi": visit.soi,
                "interactions": [
                    {key: value for key, value in item.items() if key != "id"}
                    for item in interactions_by_visit.get(visit.pk, [])
                ],
            }
            for visit in visits
        ],
        "reviews": [
            {"visit": str(pk), "status": status, "reviewed_at": reviewed_at.isoformat(), "note": note}
            for pk, status, reviewed_at, note in Visit.objects.filter(reviewed_by=user).values_list(
                "pk", "status", "reviewed_at", "review_note"
            )
        ],
    }
