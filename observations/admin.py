from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from project.history import HistoryAdmin
from stores.models import Role

from .limits import NOTE_MAX_LENGTH
from .models import OBSERVED_FIELDS, SCORE_FIELDS, Interaction, OutboxItem, Rubric, Visit
from .plausibility import flag_description
from .services import ReviewConflict, ReviewNotAllowed, VisitInvalid, visit_rescore, visit_review
from .validation import interaction_errors


def one_decimal(value: float | None) -> str:
    """Scores as the reports show them: one decimal, a dash when there is none."""
    return "–" if value is None else formats.number_format(value, 1)


SCORE_LABELS = {
    "soi": _("SOI"),
    "greeting_score": _("greeting score"),
    "smile_score": _("smile score"),
    "hovering_score": _("hovering score"),
    "response_score": _("response score"),
}


def _score_display(field: str):
    @admin.display(description=SCORE_LABELS[field], ordering=field)
    def show(self, obj) -> str:
        return one_decimal(getattr(obj, field))

    show.__name__ = f"{field}_display"
    return show


class ScoreDisplayMixin:
    """Read-only scores, to one decimal."""

    soi_display = _score_display("soi")
    greeting_score_display = _score_display("greeting_score")
    smile_score_display = _score_display("smile_score")
    hovering_score_display = _score_display("hovering_score")
    response_score_display = _score_display("response_score")


SCORE_DISPLAYS = [f"{field}_display" for field in SCORE_FIELDS]


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
        fields = [*CORRECTABLE_FIELDS, "reviewed_notes"]

    def clean(self):
        cleaned = super().clean()
        for path, message in interaction_errors(cleaned, "interaction").items():
            field = path.split(".", 1)[1]
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class InteractionInline(ScoreDisplayMixin, admin.TabularInline):
    """Head office may correct what was recorded; the visit is then scored again."""

    model = Interaction
    form = InteractionForm
    extra = 0
    can_delete = False
    readonly_fields = ["position", *SCORE_DISPLAYS]
    fields = ["position", *CORRECTABLE_FIELDS, "reviewed_notes", *SCORE_DISPLAYS]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return is_head_office(request)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Why are these visits rejected?"), widget=forms.Textarea, max_length=NOTE_MAX_LENGTH)


@admin.register(Visit)
class VisitAdmin(ScoreDisplayMixin, HistoryAdmin):
    list_display = [
        "started_at",
        "store",
        "observer",
        "observer_role",
        "status",
        "soi_display",
        "n_interactions",
        "flag_summary",
    ]
    list_filter = ["status", "observer_role", "store__region", "week_start", "rubric"]
    search_fields = ["id", "store__code", "store__name", "observer__username", "notes"]
    list_select_related = ["store", "observer"]
    date_hierarchy = "started_at"
    inlines = [InteractionInline]
    actions = ["reject_visits"]
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
        "reviewed_notes",
        "latitude",
        "longitude",
        "location_accuracy_m",
        "flag_list",
        *SCORE_DISPLAYS,
        "n_interactions",
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "decision_trail",
        "question_trail",
    ]
    # Head office may edit the text managers read; the observer's original stays as written.
    readonly_fields = [name for name in fields if name != "reviewed_notes"]

    @admin.display(description=_("review decisions (audit trail)"))
    def decision_trail(self, obj: Visit) -> str:
        decisions = obj.decisions.select_related("decided_by").order_by("decided_at", "pk")
        return (
            format_html_join(
                "",
                "<p>{} · {} · {}{}{}</p>",
                (
                    (
                        formats.date_format(timezone.localtime(d.decided_at), "SHORT_DATETIME_FORMAT"),
                        d.decided_by,
                        d.get_action_display(),
                        f" ({_('overrides another reviewer')})" if d.overrides else "",
                        f" – {d.note}" if d.note else "",
                    )
                    for d in decisions
                ),
            )
            or "–"
        )

    @admin.display(description=_("questions to the shopper"))
    def question_trail(self, obj: Visit) -> str:
        return (
            format_html_join(
                "",
                "<p>{}: {} → {}</p>",
                (
                    (q.asked_by, q.question, q.answer or _("not answered yet"))
                    for q in obj.questions.select_related("asked_by")
                ),
            )
            or "–"
        )

    @admin.display(description=_("plausibility flags"))
    def flag_summary(self, obj: Visit) -> str:
        return "; ".join(flag_description(flag) for flag in obj.flags) or "–"

    @admin.display(description=_("plausibility flags"))
    def flag_list(self, obj: Visit) -> str:
        if not obj.flags:
            return "–"
        return format_html_join("", "<p>{}</p>", ((flag_description(flag),) for flag in obj.flags))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not is_head_office(request):
            actions.pop("reject_visits", None)
        return actions

    @admin.action(description=_("Reject the selected visits (they stay on record, and stop counting)"))
    def reject_visits(self, request, queryset):
        """Rejecting with a note is how a wrong visit leaves the figures; it goes through the
        review service, so nobody rejects their own visit or silently replaces another's decision."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reject visits"),
                "visits": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/observations/visit/reject.html", context)
        rejected, refused = 0, []
        for visit in queryset.select_related("store"):
            try:
                visit_review(visit=visit, reviewer=request.user, decision="reject", note=form.cleaned_data["note"])
                rejected += 1
            except (ReviewNotAllowed, ReviewConflict, VisitInvalid):
                refused.append(str(visit))
        self.message_user(request, ngettext("%d visit rejected.", "%d visits rejected.", rejected) % rejected)
        if refused:
            self.message_user(
                request,
                _("Not rejected (your own, or decided by someone else; override in the review queue): %(visits)s")
                % {"visits": ", ".join(refused)},
                messages.WARNING,
            )
        return None

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
