from django.contrib import admin

from .models import ReportDelivery, SetPasswordMail, VisitAlert


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ["week_start", "kind", "store", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind", "week_start"]
    search_fields = ["store__code", "recipient__username", "recipient__email", "last_error"]
    list_select_related = ["store", "recipient"]
    readonly_fields = [f.name for f in ReportDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(VisitAlert)
class VisitAlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "visit", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["recipient__username", "last_error"]
    list_select_related = ["visit__store", "recipient"]
    readonly_fields = [f.name for f in VisitAlert._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SetPasswordMail)
class SetPasswordMailAdmin(admin.ModelAdmin):
    """Invitations to set a password: sent, failing (and why), or not needed any more."""

    list_display = ["created_at", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["recipient__username", "recipient__email", "last_error"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in SetPasswordMail._meta.fields]

    def has_add_permission(self, request):
        return False
