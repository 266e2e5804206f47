"""Head office reads plans and their e-mails here; plans change only through the pages and the API
(the services), so the admin shows them read-only."""

from django.contrib import admin

from .models import ActionPlan, PlanNotice


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["store", "week_start", "reason", "focus", "second_focus", "state", "due_date", "round"]
    list_filter = ["state", "reason", "focus", "week_start"]
    search_fields = ["store__code", "store__name", "owner"]
    list_select_related = ["store"]
    readonly_fields = [f.name for f in ActionPlan._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PlanNotice)
class PlanNoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "plan", "kind", "round", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__username", "last_error"]
    list_select_related = ["plan__store", "recipient"]
    readonly_fields = [f.name for f in PlanNotice._meta.fields]

    def has_add_permission(self, request):
        return False
