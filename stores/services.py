"""Writes about people: their role and scope, and leaving the company without leaving statistics behind."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import outbox
from core.errors import Invalid, NotAllowed

from .models import Region, Role, Store, User
from .roles import HEAD_OFFICE_GROUP, head_office_permission_codenames, scope_of


def head_office_group() -> Group:
    """The group whose permissions make head office; made by a data migration, rebuilt if missing."""
    group, created = Group.objects.get_or_create(name=HEAD_OFFICE_GROUP)
    if created:
        wanted = Q()
        for app_label, codename in head_office_permission_codenames():
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return group


def scope_errors(*, role: str, stores: Iterable[Store], regions: Iterable[Region]) -> dict[str, str]:
    """What is wrong with a role's scope: shoppers and managers need stores, supervisors regions,
    and nobody carries a scope their role does not use."""
    errors: dict[str, str] = {}
    stores, regions = list(stores), list(regions)
    scope = scope_of(role)
    if scope == "stores" and not stores:
        errors["stores"] = _("A shopper or store manager needs at least one store.")
    if scope == "regions" and not regions:
        errors["regions"] = _("A supervisor needs at least one region.")
    if scope != "stores" and stores:
        errors["stores"] = _("Only shoppers and store managers are given stores.")
    if scope != "regions" and regions:
        errors["regions"] = _("Only supervisors are given regions.")
    return errors


def user_apply_role(*, user: User) -> User:
    """Bring admin access in step with the role: head office is staff and in the head office group;
    every other role is neither (a superuser stays staff, but gains no role by it)."""
    group = head_office_group()
    head_office = user.role == Role.HEAD_OFFICE and user.is_active
    staff = head_office or (user.is_superuser and user.is_active)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if head_office:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return user


@transaction.atomic
def user_anonymize(*, user: User) -> User:
    """Remove everything that identifies a departed user while keeping their visits, so every
    store statistic stays exactly as it was. The user can no longer log in."""
    user.username = f"departed-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()  # and with the password, every API token dies (api.models.DeviceToken)
    user.save()
    user.stores.clear()
    user.regions.clear()
    user.groups.clear()
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """A person who leaves keeps their name on their visits but can no longer log in (their
    device tokens and sessions die with the deactivation, `User.access_epoch`, and stay dead if
    the person is reactivated)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user_apply_role(user=user)


def store_close(*, store: Store) -> Store:
    """A closed store keeps its history and reports; nobody records new visits for it."""
    if store.is_active:
        store.is_active = False
        store.save(update_fields=["is_active"])
    return store


# The outbox kind of the set-password invitation (its handler: notifications.tasks).
SET_PASSWORD_EMAIL = "set_password_email"  # noqa: S105  (an outbox kind, not a password)


def user_invite(*, user: User) -> None:
    """Have the user sent an e-mail with a link to set their password: recorded in the outbox in
    this transaction (a new person never gets a password in a file), sent once by a worker after
    the commit (notifications), retried while the mail server fails, and on record in the admin.
    A broker that is down delays it until the outbox sweep; it never loses it."""
    invite = str(uuid.uuid4())  # each request sends once; asking again sends again
    outbox.record(outbox.Work(SET_PASSWORD_EMAIL, invite, {"user": user.pk, "invite": invite}))


CALENDAR_FIELDS = ("country", "subdivision", "closed_weekdays")


@transaction.atomic
def store_set_calendar(*, store: Store, by: User, **values: str) -> Store:
    """Head office sets when a store is closed (any of CALENDAR_FIELDS; stores.calendar): read as
    the holiday calendar names it ("DE-BY" is BY), refused per field with a sentence (Invalid)."""
    if by.role != Role.HEAD_OFFICE:
        raise NotAllowed()
    store = Store.objects.select_for_update().get(pk=store.pk)
    for name, value in values.items():
        if name not in CALENDAR_FIELDS:
            raise Invalid(_("is not a calendar field."), field=name)
        setattr(store, name, value.strip() if isinstance(value, str) else value)
    try:
        store.full_clean()
    except ValidationError as error:
        raise Invalid(errors={field: messages[0] for field, messages in error.message_dict.items()}) from None
    store.save(update_fields=list(CALENDAR_FIELDS))
    return store
