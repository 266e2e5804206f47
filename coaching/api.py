"""/api/v1/action-plans/: action plans, scoped like the pages. Managers never see who decided a plan."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from observations.scoring import round1

from . import selectors, services
from .models import MAX_TEXT, ActionPlan, Focus


class EffectSerializer(serializers.Serializer):
    def to_representation(self, item: selectors.PlanEffect) -> dict:
        result = {
            "behaviour": item.dimension,
            "before_weeks": [f"{week:%G-W%V}" for week in item.before_weeks],
            "after_weeks": [f"{week:%G-W%V}" for week in item.after_weeks] if item.after_weeks else None,
        }
        if item.effect is None:
            return {
                **result,
                "before": None,
                "after": None,
                "difference": None,
                "ci_low": None,
                "ci_high": None,
                "n_before": None,
                "n_after": None,
                "call": "no_weeks_after",
                "more_visits_needed": None,
            }
        difference = item.effect.difference
        return {
            **result,
            "before": round1(difference.before),
            "after": round1(difference.after),
            "difference": round1(difference.delta),
            "ci_low": round1(difference.low),
            "ci_high": round1(difference.high),
            "n_before": difference.n_before,
            "n_after": difference.n_after,
            "call": difference.direction,
            "more_visits_needed": item.effect.more_visits_needed,
        }


class PlanSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code")
    week = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "store",
            "week",
            "reason",
            "focus",
            "second_focus",
            "actions",
            "owner",
            "due_date",
            "state",
            "supervisor_note",
            "overdue",
        ]

    def get_week(self, plan: ActionPlan) -> str:
        return f"{plan.week_start:%G-W%V}"

    def get_overdue(self, plan: ActionPlan) -> bool:
        return plan.is_overdue(timezone.localdate())


class PlanSubmitSerializer(serializers.Serializer):
    focus = serializers.ChoiceField(choices=Focus.choices)
    second_focus = serializers.ChoiceField(choices=Focus.choices, required=False, allow_blank=True, default="")
    actions = serializers.CharField(max_length=MAX_TEXT)
    owner = serializers.CharField(max_length=150)
    due_date = serializers.DateField()


class PlanDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "return"])
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Action plans the user may see; `submit` (managers) and `decision` (supervisor, head office)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user).order_by("-week_start", "store__code")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        plan = self.get_object()
        effects = selectors.plan_effects(
            [plan],
            approved_only=settings.OASIS_REPORTS_APPROVED_ONLY,
        )[plan.pk]
        return Response({**PlanSerializer(plan).data, "effects": EffectSerializer(effects, many=True).data})

    def _apply(self, call):
        # A refused change (services.PlanError) is answered by the API's exception handler.
        return Response(PlanSerializer(call()).data)

    @extend_schema(request=PlanSubmitSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        plan = get_object_or_404(selectors.plans_editable_by(request.user), pk=pk)
        data = PlanSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._apply(lambda: services.plan_submit(plan=plan, by=request.user, **data.validated_data))

    @extend_schema(request=PlanDecisionSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk=None) -> Response:
        plan = get_object_or_404(selectors.plans_decidable_by(request.user), pk=pk)
        data = PlanDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accept = data.validated_data["decision"] == "accept"
        return self._apply(
            lambda: services.plan_decide(plan=plan, by=request.user, accept=accept, note=data.validated_data["note"])
        )
