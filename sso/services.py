"""Signing in with the company's identity provider: from the provider's claims to a user, a role
and a scope.

The role comes from the role claim (`OIDC_ROLE_CLAIM`, default `groups`) through the mappings head
office edits (`RoleMapping`); the claims are read again at every sign-in:

- no mapping matches: no account is made; an existing user loses their role (deactivated, scope
  cleared, admin access and API tokens gone) and is reactivated by a later sign-in that grants one;
- several match: the highest role wins (head office, supervisor, store manager, mystery shopper),
  with the union of the scopes its mappings give;
- the role or scope changed: the user's API tokens are revoked (the phone asks them to log in
  again, and then sees only what the new role allows).

A person is their provider's (issuer, subject), never their e-mail address: a new address is taken
only when no other account has it, and matching never goes by address.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.tokens import device_tokens_revoke
from stores.models import Role, User
from stores.roles import scope_of
from stores.services import user_apply_role

from .models import Identity, RoleMapping

logger = logging.getLogger(__name__)

# When several mappings match, the highest role is the user's.
ROLE_PRECEDENCE = [Role.HEAD_OFFICE, Role.SUPERVISOR, Role.MANAGER, Role.SHOPPER]


@dataclass(frozen=True)
class Grant:
    role: str
    store_ids: frozenset[int]
    region_ids: frozenset[int]


def claim_values(claims: Mapping[str, object]) -> set[str]:
    """The values of the role claim: a list of strings, or one string."""
    value = claims.get(settings.OIDC_ROLE_CLAIM)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


def grant_from_claims(claims: Mapping[str, object]) -> Grant | None:
    """The role and scope the mappings give these claims, or None when none does."""
    values = claim_values(claims)
    if not values:
        return None
    mappings = list(
        RoleMapping.objects.filter(claim_value__in=values).prefetch_related("stores", "regions").order_by("pk")
    )
    if not mappings:
        return None
    role = min((m.role for m in mappings), key=ROLE_PRECEDENCE.index)
    chosen = [m for m in mappings if m.role == role]
    scope = scope_of(role)
    stores = frozenset(s.pk for m in chosen for s in m.stores.all()) if scope == "stores" else frozenset()
    regions = frozenset(r.pk for m in chosen for r in m.regions.all()) if scope == "regions" else frozenset()
    if (scope == "stores" and not stores) or (scope == "regions" and not regions):
        return None  # a mapping without the scope its role needs grants nothing
    return Grant(role, stores, regions)


@transaction.atomic
def sso_sign_in(*, issuer: str, subject: str, claims: Mapping[str, object]) -> User | None:
    """The user these verified claims sign in as, with role and scope brought up to date; None
    when the claims grant no role (no account is made, an existing one loses its role) or the
    account was deactivated by hand."""
    grant = grant_from_claims(claims)
    identity = (
        Identity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    now = timezone.now()
    if identity is None:
        if grant is None:
            logger.info("sso: sign-in without a mapped role refused, no account made")
            return None
        user = User(username=_free_username(claims, subject), is_active=True)
        user.set_unusable_password()  # signs in through the company only
        _take_profile(user, claims)
        user.role = grant.role
        user.save()
        identity = Identity.objects.create(user=user, issuer=issuer, subject=subject, last_sign_in_at=now)
        _set_scope(user, grant)
        user_apply_role(user=user)
        return user

    user = identity.user
    if grant is None:
        if user.is_active:
            _lose_role(user)
            identity.role_lost_at = now
            identity.save(update_fields=["role_lost_at"])
            logger.info("sso: user %s lost their role at sign-in", user.pk)
        return None
    if not user.is_active and identity.role_lost_at is None:
        return None  # deactivated by head office: the provider does not undo that
    changed = (
        not user.is_active
        or user.role != grant.role
        or set(user.stores.values_list("pk", flat=True)) != grant.store_ids
        or set(user.regions.values_list("pk", flat=True)) != grant.region_ids
    )
    user.is_active = True
    user.role = grant.role
    _take_profile(user, claims)
    user.save()
    if changed:
        _set_scope(user, grant)
        device_tokens_revoke(user=user)
    identity.role_lost_at = None
    identity.last_sign_in_at = now
    identity.save(update_fields=["role_lost_at", "last_sign_in_at"])
    return user_apply_role(user=user)


def _set_scope(user: User, grant: Grant) -> None:
    user.stores.set(grant.store_ids)
    user.regions.set(grant.region_ids)


def _lose_role(user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.stores.clear()
    user.regions.clear()
    user_apply_role(user=user)
    device_tokens_revoke(user=user)


def _take_profile(user: User, claims: Mapping[str, object]) -> None:
    """Names from the claims; the e-mail address only when the provider verified it and no other
    account has it (e-mail is where password resets and reports go)."""
    for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
        value = claims.get(claim)
        if isinstance(value, str):
            setattr(user, field, value[:150])
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        return
    if email.casefold() == (user.email or "").casefold():
        return
    taken = User.objects.filter(email__iexact=email)
    if user.pk is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        logger.warning("sso: user %s kept their e-mail address: the new one belongs to another account", user.pk)
        return
    user.email = email[:254]


def _free_username(claims: Mapping[str, object], subject: str) -> str:
    """The provider's user name when no account has it yet (a local account of that name is never
    taken over), else it with a random suffix."""
    wanted = claims.get(settings.OIDC_USERNAME_CLAIM)
    base = re.sub(r"[^\w.@+-]", "", wanted)[:120] if isinstance(wanted, str) else ""
    base = base or "sso-" + re.sub(r"[^\w]", "", subject)[:20]
    name = base
    while User.objects.filter(username__iexact=name).exists():
        name = f"{base}-{secrets.token_hex(3)}"
    return name
