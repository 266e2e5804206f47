from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Interaction, Rubric, Visit


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "greeting_weight", "smile_weight", "hovering_weight", "response_weight"]

    def get_readonly_fields(self, request, obj=None):
        # A version in use is history: change the rubric by saving a new version.
        if obj is not None and obj.visits.exists():
            return [field.name for field in obj._meta.fields]
        return ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.visits.exists()


class InteractionInline(admin.TabularInline):
    model = Interaction
    extra = 0
    can_delete = False
    readonly_fields = ["soi", "greeting_score", "smile_score", "hovering_score", "response_score"]
    fields = [
        "position",
        "greeted",
        "greeting_seconds",
        "greeting_personal",
        "smile",
        "unsolicited_approaches",
        "followed",
        "asked",
        "response_seconds",
        "response_quality",
        "special_request",
        "notes",
        *readonly_fields,
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["started_at", "store", "observer", "observer_role", "status", "soi", "n_interactions", "flagged"]
    list_filter = ["status", "observer_role", "store__region", "week_start", "rubric"]
    search_fields = ["id", "store__code", "store__name", "observer__username", "notes"]
    list_select_related = ["store", "observer"]
    date_hierarchy = "started_at"
    inlines = [InteractionInline]
    readonly_fields = [
        "id",
        "store",
        "observer",
        "observer_role",
        "started_at",
        "ended_at",
        "week_start",
        "submitted_at",
        "rubric",
        "latitude",
        "longitude",
        "location_accuracy_m",
        "flags",
        "soi",
        "greeting_score",
        "smile_score",
        "hovering_score",
        "response_score",
        "n_interactions",
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    ]
    exclude = ["content_hash"]

    @admin.display(boolean=True, description=_("flagged"))
    def flagged(self, obj: Visit) -> bool:
        return bool(obj.flags)

    def has_add_permission(self, request):
        # Visits arrive through the API so that they are validated and scored.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
