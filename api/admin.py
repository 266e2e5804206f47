"""Head office sees every device logged in to an account and can revoke any of them."""

from __future__ import annotations

from django.contrib import admin

from observations.admin import is_head_office

from .models import DeviceToken


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "device", "created", "expiry"]
    list_filter = ["user__role"]
    search_fields = ["user__username", "device"]
    list_select_related = ["user"]
    fields = ["user", "device", "device_id", "created", "expiry"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return is_head_office(request)

    def has_view_permission(self, request, obj=None):
        return is_head_office(request)

    def has_add_permission(self, request):
        return False  # tokens are issued by logging in on a device

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_head_office(request)
