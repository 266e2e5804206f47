from django.contrib import admin

from .models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Read-only: photos arrive from the phones and leave with the retention sweep."""

    list_display = ["id", "visit", "width", "height", "size_bytes", "created_at"]
    readonly_fields = [
        "id",
        "visit",
        "image",
        "width",
        "height",
        "size_bytes",
        "upload_hash",
        "uploaded_by",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
