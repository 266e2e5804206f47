"""Planning endpoints: waves and their coverage (head office, supervisors), assignments (a shopper's
own, their board, declining and taking). Thin: scope with planning.selectors, write with
planning.services. Store managers get 404 for everything here: planning says when shoppers come."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.text import strict_int
from planning import export, selectors, services, wording
from planning.models import DECLINE_REASON_MAX_LENGTH, Assignment, Wave, WaveStore
from reports.api import CSVRenderer
from stores.models import Role


class WaveStoreSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code")
    region = serializers.CharField(source="store.region.code")

    class Meta:
        model = WaveStore
        fields = [
            "store",
            "region",
            "visits_needed",
            "spread",
            "store_n",
            "region_n",
            "company_n",
            "reason",
            "would_need",
            "expected_half_width",
        ]


class WaveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Wave
        fields = [
            "id",
            "name",
            "starts_on",
            "ends_on",
            "status",
            "target_kind",
            "target_half_width",
            "fixed_visits",
            "min_visits",
            "max_visits",
            "lockout_days",
            "board_enabled",
            "brief",
            "planned_at",
            "published_at",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    """An assignment as the shopper's phone shows it (no other shopper's name, ever)."""

    store = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    city = serializers.CharField(source="store.city")
    wave = serializers.CharField(source="wave.name")
    brief = serializers.CharField(source="wave.brief")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "wave",
            "store",
            "store_name",
            "city",
            "window_start",
            "window_end",
            "day_type",
            "time_of_day",
            "status",
            "brief",
        ]


class PlannedAssignmentSerializer(AssignmentSerializer):
    """For head office and supervisors: with the shopper, lock and the planner's reason."""

    shopper = serializers.CharField(source="shopper.username", allow_null=True, default=None)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "shopper", "locked", "reason"]


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=DECLINE_REASON_MAX_LENGTH)


def _no_managers(request: Request) -> None:
    if request.user.role == Role.MANAGER:
        raise Http404


class WaveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Waves in the user's scope (head office: all; supervisors: those with stores of their regions)."""

    serializer_class = WaveSerializer

    def handle_exception(self, exc):
        # Errors are JSON even when CSV was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        # The description of the endpoint is JSON, whatever format the query asked for (a 500 before).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
        return super().options(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a user
            return Wave.objects.none()
        _no_managers(self.request)
        if not selectors.sees_planning(self.request.user):
            raise Http404
        return selectors.waves_visible_to(self.request.user)

    def retrieve(self, request: Request, pk=None) -> Response:
        """The wave with its stores: visits needed and why, and the days the planner skips in each
        (`skipped_days`: public holidays, company closed days, closed weekdays, names in the
        user's language). Head office also gets `staffing`: why visits have no shopper and what
        would staff them (numbers and sentences), as the last planning found (`pending` while
        that is being worked out)."""
        wave = self.get_object()
        data = WaveSerializer(wave).data
        rows = list(selectors.wave_stores_visible_to(request.user, wave))
        closures = selectors.wave_closures(request.user, wave, language=get_language())
        stores = WaveStoreSerializer(rows, many=True).data
        for row, item in zip(rows, stores, strict=True):
            item["skipped_days"] = [
                {"day": day.isoformat(), "kind": closure.kind, "why": wording.closure_why(closure)}
                for day, closure in sorted(closures.get(row.store_id, {}).items())
            ]
        data["stores"] = stores
        if request.user.role == Role.HEAD_OFFICE:
            data["staffing"] = {
                **wave.staffing,
                "why": wording.staffing_lines(wave.staffing),
                "would_help": wording.staffing_help(wave.staffing),
            }
        return Response(data)

    @extend_schema(parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"])])
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer])
    def coverage(self, request: Request, pk=None, format=None):
        """Per store: planned, done, overdue, declined, current precision against the target, risk."""
        wave = self.get_object()
        rows = selectors.wave_coverage(request.user, wave)
        if request.accepted_renderer.format == "csv":
            response = Response({"header": export.COVERAGE_HEADER, "rows": export.coverage_csv_rows(rows)})
            response["Content-Disposition"] = f'attachment; filename="coverage-wave-{wave.pk}.csv"'
            return response
        return Response({"wave": WaveSerializer(wave).data, "stores": [export.coverage_record(r) for r in rows]})


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Shoppers: their own assignments of published waves (for the phone), declining, the board.
    Head office and supervisors: the assignments of their scope (filter with ?wave=ID)."""

    pagination_class = None

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):  # the schema describes the fuller, staff form
            return PlannedAssignmentSerializer
        if self.request.user.role in (Role.HEAD_OFFICE, Role.SUPERVISOR):
            return PlannedAssignmentSerializer
        return AssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        _no_managers(self.request)
        user = self.request.user
        if self.action == "list" and user.role == Role.SHOPPER:
            return selectors.shopper_assignments(user)
        queryset = selectors.assignments_visible_to(user)
        wave = self.request.query_params.get("wave")
        if wave is not None and self.action == "list":
            wave_id = strict_int(wave)
            if wave_id is None:
                raise ValidationError({"wave": _("must be a wave id.")})
            queryset = queryset.filter(wave_id=wave_id)
        return queryset

    @extend_schema(request=DeclineSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        """The shopper will not go: the reason is kept, the assignment goes back to be offered again."""
        assignment = get_object_or_404(selectors.shopper_assignments(request.user), pk=pk)
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assignment_decline(
            assignment=assignment, shopper=request.user, reason=serializer.validated_data["reason"]
        )
        return Response({"id": assignment.pk, "status": "declined"})

    @extend_schema(responses={200: AssignmentSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def board(self, request: Request) -> Response:
        """Open assignments shoppers of the area may pick (waves with a board only)."""
        _no_managers(request)
        return Response(AssignmentSerializer(selectors.board_for(request.user), many=True).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def take(self, request: Request, pk=None) -> Response:
        """Pick an assignment from the board."""
        assignment = get_object_or_404(selectors.board_for(request.user), pk=pk)
        taken = services.assignment_take(assignment=assignment, shopper=request.user)
        taken = selectors.assignments_visible_to(request.user).get(pk=taken.pk)
        return Response(AssignmentSerializer(taken).data)
