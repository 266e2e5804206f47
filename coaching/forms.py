from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_TEXT, Focus


class PlanForm(forms.Form):
    focus = forms.ChoiceField(label=_("Focus behaviour"), choices=Focus.choices)
    second_focus = forms.ChoiceField(
        label=_("Second focus behaviour (optional)"), choices=[("", "—"), *Focus.choices], required=False
    )
    actions = forms.CharField(
        label=_("Coaching actions agreed with the team"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
    )
    owner = forms.CharField(label=_("Owner"), max_length=150)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return for revision"))]
    )
    note = forms.CharField(
        label=_("Note to the store (required when returning)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        required=False,
    )
