from django.contrib import admin

from .models import Assignment, AssignmentDecline, ShopperCapacity, Wave, WaveStore


class WaveStoreInline(admin.TabularInline):
    model = WaveStore
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in WaveStore._meta.fields if f.name not in ("id", "wave")]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "target_kind", "status"]
    list_filter = ["status"]
    filter_horizontal = ["regions", "chosen_stores"]
    readonly_fields = ["status", "created_by", "planned_at", "published_at"]
    inlines = [WaveStoreInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["store", "shopper", "window_start", "window_end", "time_of_day", "status", "locked"]
    list_filter = ["status", "wave"]
    list_select_related = ["store", "shopper"]
    raw_id_fields = ["visit", "shopper", "store"]
    readonly_fields = ["reason"]

    # Assignments change through the planning pages (planning.services), which apply the rules.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssignmentDecline)
class AssignmentDeclineAdmin(admin.ModelAdmin):
    list_display = ["assignment", "shopper", "created_at"]
    raw_id_fields = ["assignment", "shopper"]


@admin.register(ShopperCapacity)
class ShopperCapacityAdmin(admin.ModelAdmin):
    list_display = ["shopper", "visits_per_week"]
    raw_id_fields = ["shopper"]
