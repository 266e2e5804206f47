from __future__ import annotations

from django.contrib import admin

from .models import OutboxItem


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    """Follow-up work not done yet: what waits, what failed and why (done work is deleted)."""

    list_display = ["id", "kind", "key", "created_at", "available_at", "attempts", "last_error"]
    list_filter = ["kind"]
    search_fields = ["key", "last_error"]
    readonly_fields = [f.name for f in OutboxItem._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
