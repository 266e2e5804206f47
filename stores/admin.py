from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from project.history import HistoryAdmin

from .models import Region, Store, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Store)
class StoreAdmin(HistoryAdmin):
    list_display = ["code", "name", "region", "city", "timezone", "is_active"]
    list_filter = ["region", "is_active", "timezone"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["region"]

    def has_delete_permission(self, request, obj=None):
        # Stores carry history; close them with "active" instead of deleting them.
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "regions"]
    search_fields = ["username", "email", "first_name", "last_name"]
    filter_horizontal = ["stores", "regions", "groups", "user_permissions"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Service Oasis"), {"fields": ["role", "language", "stores", "regions"]}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Service Oasis"), {"fields": ["role", "language"]}),
    )
