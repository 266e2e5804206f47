"""Single sign-on: which company groups make which role, and which company identity is which user.

A person signing in with the company's OpenID provider is known by the provider's issuer and the
subject (`sub`) it gives them, never by their e-mail address: an address that changes, or that
another account already has, never opens someone else's account.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stores.models import Region, Role, Store, User


class RoleMapping(models.Model):
    """A value of the role claim (a group, e.g. `oasis-supervisors-north`) and what it grants:
    a role and its scope. Edited by head office; read at every sign-in."""

    claim_value = models.CharField(
        _("claim value"),
        max_length=200,
        unique=True,
        help_text=_("A value of the role claim the company's identity provider sends (e.g. a group name)."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("regions"))
    stores = models.ManyToManyField(Store, blank=True, related_name="+", verbose_name=_("stores"))

    class Meta:
        ordering = ["claim_value"]
        verbose_name = _("role mapping")
        verbose_name_plural = _("role mappings")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="role_mapping_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_value} → {self.get_role_display()}"


class Identity(models.Model):
    """The user a company identity signs in as. Made at the first sign-in that a mapping grants a
    role; `role_lost_at` is set when a sign-in found no mapped role any more (the user was
    deactivated by it, and is reactivated by a later sign-in that grants one again)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user"))
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    role_lost_at = models.DateTimeField(_("role lost at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company identity")
        verbose_name_plural = _("company identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_issuer_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
