from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from project.history import HistoryAdmin
from stores.models import Role

from .models import OBSERVED_FIELDS, SCORE_FIELDS, Interaction, OutboxItem, Rubric, Visit
from .services import visit_rescore
from .validation import interaction_errors


def is_head_office(request) -> bool:
    """Corrections are head office's, by role: a superuser of another role may look, not correct
    (the services would refuse it, and the admin must not offer what then fails)."""
    return request.user.is_active and request.user.role == Role.HEAD_OFFICE


@admin.register(Rubric)
class RubricAdmin(HistoryAdmin):
    list_display = ["version", "created_at", "greeting_weight", "smile_weight", "hovering_weight", "response_weight"]

    def get_readonly_fields(self, request, obj=None):
        # A version in use is history: change the rubric by saving a new version.
        if obj is not None and obj.visits.exists():
            return [field.name for field in obj._meta.fields]
        return ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


CORRECTABLE_FIELDS = list(OBSERVED_FIELDS)


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = CORRECTABLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        for path, message in interaction_errors(cleaned, "interaction").items():
            field = path.split(".", 1)[1]
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class InteractionInline(admin.TabularInline):
    """Head office may correct what was recorded; the visit is then scored again."""

    model = Interaction
    form = InteractionForm
    extra = 0
    can_delete = False
    readonly_fields = ["position", *SCORE_FIELDS]
    fields = ["position", *CORRECTABLE_FIELDS, *SCORE_FIELDS]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return is_head_office(request)


@admin.register(Visit)
class VisitAdmin(HistoryAdmin):
    list_display = ["started_at", "store", "observer", "observer_role", "status", "soi", "n_interactions", "flagged"]
    list_filter = ["status", "observer_role", "store__region", "week_start", "rubric"]
    search_fields = ["id", "store__code", "store__name", "observer__username", "notes"]
    list_select_related = ["store", "observer"]
    date_hierarchy = "started_at"
    inlines = [InteractionInline]
    fields = [
        "id",
        "store",
        "observer",
        "observer_role",
        "started_at",
        "ended_at",
        "week_start",
        "submitted_at",
        "rubric",
        "notes",
        "latitude",
        "longitude",
        "location_accuracy_m",
        "flags",
        *SCORE_FIELDS,
        "n_interactions",
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    ]
    readonly_fields = [name for name in fields if name != "notes"]

    @admin.display(boolean=True, description=_("flagged"))
    def flagged(self, obj: Visit) -> bool:
        return bool(obj.flags)

    def has_add_permission(self, request):
        # Visits arrive through the API so that they are validated and scored.
        return False

    def has_change_permission(self, request, obj=None):
        return is_head_office(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted outright: a wrong visit is rejected, which keeps it on record.
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            visit_rescore(visit=form.instance, editor=request.user)
            messages.info(request, _("The visit was scored again with its rubric version."))


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
