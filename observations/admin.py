from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.history import HistoryAdmin
from stores.models import Role

from .limits import NOTE_MAX_LENGTH
from .models import OBSERVED_FIELDS, SCORE_FIELDS, Interaction, Rubric, Visit
from .plausibility import flag_description
from .review import (
    ReviewConflict,
    ReviewNotAllowed,
    visit_rescore,
    visit_review,
    visit_reviewed_text_check,
    visit_reviewed_text_edit,
)
from .services import VisitInvalid
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


def refusal(error: DomainError) -> str:
    """A domain error's words, for an admin form (its own fields are not the service's)."""
    return " ".join(error.body().values())


class InteractionFormSet(forms.BaseInlineFormSet):
    """Interactions' text for managers changes only under the review rules (the visit's form
    gives the reason, when one is needed)."""

    editor = None

    def clean(self):
        super().clean()
        if not any("reviewed_notes" in form.changed_data for form in self.forms if hasattr(form, "cleaned_data")):
            return
        try:
            visit_reviewed_text_check(visit=self.instance, editor=self.editor, note=self.data.get("reason", ""))
        except DomainError as error:
            raise forms.ValidationError(refusal(error)) from None


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

    formset = InteractionFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.editor = request.user
        return formset

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return is_head_office(request)


class VisitForm(forms.ModelForm):
    """The text managers read changes through the review service, under its rules: never on
    one's own visit, and over someone else's decision only with a reason."""

    reason = forms.CharField(
        label=_("Why the text managers read changes"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when someone else decided on this visit: your change overrides their decision."),
    )
    editor = None

    class Meta:
        model = Visit
        fields = ["reviewed_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the admin hands to the review service once the inlines are read (save_related).
        self.reviewed_notes_edit: str | None = None
        self.interaction_notes_edit: dict[int, str] = {}

    def clean(self):
        cleaned = super().clean()
        if "reviewed_notes" in self.changed_data:
            try:
                visit_reviewed_text_check(visit=self.instance, editor=self.editor, note=cleaned.get("reason", ""))
            except DomainError as error:
                self.add_error("reviewed_notes", refusal(error))
        return cleaned


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
    form = VisitForm
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
        "reason",
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
    readonly_fields = [name for name in fields if name not in ("reviewed_notes", "reason")]

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
            # Asked (unbound) first; a refused note answers 400 with the error summary.
            status = 400 if form.errors else 200
            return TemplateResponse(request, "admin/observations/visit/reject.html", context, status=status)
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The text managers read is written by the review service (save_related), not here.
        if "reviewed_notes" in form.changed_data:
            form.reviewed_notes_edit = obj.reviewed_notes
            obj.reviewed_notes = form.initial["reviewed_notes"]
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        edits = form.interaction_notes_edit
        for inline_form in formset.forms:
            if "reviewed_notes" in getattr(inline_form, "changed_data", ()):
                edits[inline_form.instance.position] = inline_form.instance.reviewed_notes
                inline_form.instance.reviewed_notes = inline_form.initial["reviewed_notes"]
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        corrected = any(
            set(inline_form.changed_data) - {"reviewed_notes"}
            for formset in formsets
            for inline_form in formset.forms
            if hasattr(inline_form, "cleaned_data")
        )
        if corrected:
            visit_rescore(visit=form.instance, editor=request.user)
            messages.info(request, _("The visit was scored again with its rubric version."))
        if form.reviewed_notes_edit is not None or form.interaction_notes_edit:
            visit_reviewed_text_edit(
                visit=form.instance,
                editor=request.user,
                note=form.cleaned_data.get("reason", ""),
                reviewed_notes=form.reviewed_notes_edit,
                interaction_notes=form.interaction_notes_edit,
            )
            messages.info(request, _("The text managers read was changed, as a new approval in the audit trail."))
