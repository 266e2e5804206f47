"""A writable nested ModelSerializer, as DRF's documentation writes one ("Writable nested
representations": pop the children, create the parent, create each child)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from rest_framework import serializers

from .models import Interaction, Store, Visit


class InteractionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interaction
        exclude = ["id", "visit", "position"]
        read_only_fields = ["soi", "greeting_score", "smile_score", "hovering_score", "response_score"]


class VisitSerializer(serializers.ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", queryset=Store.objects.all())
    interactions = InteractionSerializer(many=True)

    class Meta:
        model = Visit
        fields = [
            "id", "store", "observer", "observer_role", "started_at", "ended_at", "status", "notes",
            "submitted_at", "latitude", "longitude", "location_accuracy_m", "soi", "greeting_score",
            "smile_score", "hovering_score", "response_score", "interactions",
        ]  # fmt: skip
        read_only_fields = [
            "observer", "observer_role", "status", "submitted_at", "soi", "greeting_score", "smile_score",
            "hovering_score", "response_score",
        ]  # fmt: skip
        extra_kwargs = {"id": {"read_only": False}}

    def create(self, validated_data: dict) -> Visit:
        interactions = validated_data.pop("interactions")
        started = validated_data["started_at"].date()
        # One transaction: a visit is stored with all its interactions or not at all.
        with transaction.atomic():
            visit = Visit.objects.create(
                week_start=started - dt.timedelta(days=started.weekday()),
                n_interactions=len(interactions),
                **validated_data,
            )
            for position, item in enumerate(interactions, start=1):
                Interaction.objects.create(visit=visit, position=position, **item)
        return visit
