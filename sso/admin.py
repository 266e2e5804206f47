"""Head office edits which company groups make which role (the role mappings) and sees which
company identity is which user."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from stores.services import scope_errors

from .models import Identity, RoleMapping


class RoleMappingForm(forms.ModelForm):
    class Meta:
        model = RoleMapping
        fields = ["claim_value", "role", "regions", "stores"]

    def clean(self):
        cleaned = super().clean()
        if "role" in cleaned:
            for field, message in scope_errors(
                role=cleaned["role"], stores=cleaned.get("stores") or [], regions=cleaned.get("regions") or []
            ).items():
                self.add_error(field, message)
        return cleaned


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    form = RoleMappingForm
    list_display = ["claim_value", "role"]
    list_filter = ["role"]
    search_fields = ["claim_value"]
    filter_horizontal = ["regions", "stores"]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "issuer", "last_sign_in_at", "role_lost_at"]
    search_fields = ["user__username", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in_at", "role_lost_at"]

    def has_add_permission(self, request):
        return False  # made by a sign-in

    def has_change_permission(self, request, obj=None):
        return False
