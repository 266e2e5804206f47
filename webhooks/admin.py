"""Head office manages webhook endpoints (URL, events, enabled; the signing secret is shown once,
when made or renewed) and reads the delivery log, where any delivery can be sent again."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .delivery import delivery_replay, endpoint_enable, endpoint_new_secret
from .models import Delivery, Endpoint, Event, EventType


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "event_types", "enabled"]


def _show_secret_once(request, endpoint: Endpoint) -> None:
    messages.warning(
        request,
        _(
            "Signing secret of %(name)s: %(secret)s — copy it into the receiver now; it is not shown again "
            "(renew it with the action “Renew the signing secret”)."
        )
        % {"name": endpoint.name, "secret": endpoint.secret},
    )


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "enabled", "failing_since", "disabled_at"]
    list_filter = ["enabled"]
    readonly_fields = ["failing_since", "disabled_at", "disabled_reason", "created_at"]
    actions = ["renew_secret", "enable"]

    def save_model(self, request, obj, form, change):
        enabling = change and "enabled" in form.changed_data and obj.enabled
        super().save_model(request, obj, form, change)
        if not change:
            _show_secret_once(request, obj)
        elif enabling:
            endpoint_enable(endpoint=obj)

    @admin.action(description=_("Renew the signing secret (shown once)"), permissions=["change"])
    def renew_secret(self, request, queryset):
        for endpoint in queryset:
            endpoint_new_secret(endpoint=endpoint)
            _show_secret_once(request, endpoint)

    @admin.action(description=_("Enable (pending events are sent in order)"), permissions=["change"])
    def enable(self, request, queryset):
        for endpoint in queryset:
            endpoint_enable(endpoint=endpoint)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "event_type",
        "stream",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_latency_ms",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status", "endpoint", "event__type"]
    search_fields = ["stream"]
    list_select_related = ["event", "endpoint"]
    actions = ["replay"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # the list and its action only

    @admin.display(description=_("event"))
    def event_type(self, obj: Delivery) -> str:
        return obj.event.get_type_display()

    @admin.action(description=_("Send again"), permissions=["change"])
    def replay(self, request, queryset):
        for delivery in queryset.select_related("event", "endpoint"):
            delivery_replay(delivery=delivery)
        messages.success(request, _("Queued again: %(n)d.") % {"n": queryset.count()})


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "type", "stream"]
    list_filter = ["type"]
    search_fields = ["stream"]

    def has_change_permission(self, request, obj=None):
        return False
