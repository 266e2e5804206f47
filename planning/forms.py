"""Forms of the planning pages: they parse input into the services' arguments, nothing more."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stores.models import Region, Store, User
from stores.selectors import shoppers_observing

from .models import BRIEF_MAX_LENGTH, TargetKind, TimeOfDay
from .services import WaveInput


class WaveForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    regions = forms.ModelMultipleChoiceField(Region.objects.all(), label=_("Regions"), required=False)
    stores = forms.ModelMultipleChoiceField(
        Store.objects.filter(is_active=True), label=_("Single stores"), required=False
    )
    target_kind = forms.ChoiceField(label=_("Target"), choices=TargetKind.choices, initial=TargetKind.PRECISION)
    target_half_width = forms.FloatField(
        label=_("Precision: confidence interval (95%) no wider than ± (SOI points)"),
        initial=10,
        min_value=0.5,
        max_value=50,
    )
    fixed_visits = forms.IntegerField(label=_("Fixed visits per store"), required=False, min_value=1, max_value=100)
    min_visits = forms.IntegerField(label=_("Minimum visits per store"), initial=2, min_value=1, max_value=100)
    max_visits = forms.IntegerField(label=_("Maximum visits per store"), initial=12, min_value=1, max_value=100)
    lockout_days = forms.IntegerField(label=_("Lockout (days)"), initial=30, min_value=0, max_value=365)
    board_enabled = forms.BooleanField(label=_("Open assignments on a board for shoppers"), required=False)
    brief = forms.CharField(
        label=_("Brief for shoppers"), widget=forms.Textarea, required=False, max_length=BRIEF_MAX_LENGTH
    )

    def to_input(self) -> WaveInput:
        data = self.cleaned_data
        return WaveInput(
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            region_ids=tuple(region.pk for region in data["regions"]),
            store_ids=tuple(store.pk for store in data["stores"]),
            target_kind=data["target_kind"],
            target_half_width=data["target_half_width"] or 10.0,
            fixed_visits=data["fixed_visits"],
            min_visits=data["min_visits"],
            max_visits=data["max_visits"],
            lockout_days=data["lockout_days"],
            board_enabled=data["board_enabled"],
            brief=data["brief"],
        )


class AssignmentForm(forms.Form):
    shopper = forms.ModelChoiceField(
        User.objects.none(),
        label=_("Shopper"),
        required=False,
        empty_label=_("(open)"),
    )
    window_start = forms.DateField(label=_("Window from"), widget=forms.DateInput(attrs={"type": "date"}))
    window_end = forms.DateField(label=_("Window until"), widget=forms.DateInput(attrs={"type": "date"}))
    time_of_day = forms.ChoiceField(label=_("Time of day"), choices=TimeOfDay.choices)
    locked = forms.BooleanField(label=_("Lock (keep when planning again)"), required=False, initial=True)

    def __init__(self, *args, store: Store, **kwargs) -> None:
        """Offers only the shoppers allowed in the assignment's store (`shoppers_observing` decides)."""
        super().__init__(*args, **kwargs)
        allowed = [shopper.id for shopper in shoppers_observing([store.pk])]
        self.fields["shopper"].queryset = User.objects.filter(pk__in=allowed).order_by("username")
