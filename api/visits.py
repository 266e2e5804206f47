"""/api/v1/ visits: submitting (one visit, or the phone's offline queue), listing and reading the
visits in the user's scope, and the rubric the form scores with. The review workflow's actions on
visits are in `api.reviews`. Every queryset comes from a selector scoped to request.user."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import metrics
from observations.models import Rubric, Visit, VisitStatus
from observations.selectors import INTERACTIONS, visits_recorded_by, visits_visible_to, with_interactions
from observations.services import VisitConflict, VisitInvalid, visit_receive
from planning.services import assignment_link_visit
from reports.params import MAX_YEAR, MIN_YEAR
from stores.models import Role
from stores.selectors import sees_observers

from . import serializers as s
from .errors import ERRORS, Conflict, flatten
from .reviews import ReviewActions
from .throttling import WriteThrottle

MAX_SYNC_ITEMS = 100
WRONG_OWNER = _lazy("was recorded by another user; only they can send it.")
# Every visit is validated by this one serializer, with DRF's own validation (`run_validation`, what
# `is_valid` runs), which keeps nothing of a visit on the serializer: its fields (25, one of them a
# list serializer of interactions) are built once per process, where a serializer made for each
# visit built and deep-copied them every time, two thirds of validating a visit. A visit it
# refuses is validated again by a serializer of its own, whose errors are reported as before.
VISIT_INPUT = s.VisitInputSerializer()


@extend_schema(responses={200: s.RubricSerializer, 401: ERRORS[401]})
class RubricView(APIView):
    """The scoring rubric in force: the weights, targets and band limits new visits are scored with."""

    def get(self, request: Request) -> Response:
        return Response(s.RubricSerializer(Rubric.in_force()).data)


def within_report_years(value: dt.datetime) -> None:
    """A time filter within the years the service has data for: the ends of the calendar overflow
    when the database driver converts them to UTC (SQLite), a 500 instead of a 400."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DjangoValidationError(
            _lazy("Enter a time between the years %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            code="out_of_range",
        )


class VisitFilter(django_filters.FilterSet):
    store = django_filters.CharFilter(field_name="store__code", help_text="store code")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)
    started_from = django_filters.IsoDateTimeFilter(
        field_name="started_at", lookup_expr="gte", validators=[within_report_years]
    )
    started_before = django_filters.IsoDateTimeFilter(
        field_name="started_at", lookup_expr="lt", validators=[within_report_years]
    )
    mine = django_filters.BooleanFilter(method="filter_mine", help_text="only the visits I recorded")

    class Meta:
        model = Visit
        fields = ["store", "status", "started_from", "started_before", "mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(observer=self.request.user) if value else queryset


class VisitPagination(CursorPagination):
    ordering = "-started_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        """DRF checks a cursor's form, not its position: a tampered position (`p=notadate`) reached
        the database as a bad timestamp. The position must be a time with an offset."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                position = parse_datetime(cursor.position)
                if position is not None:
                    position.astimezone(dt.UTC)  # the ends of the calendar overflow here
            except (ValueError, OverflowError):
                position = None
            if position is None or position.utcoffset() is None:
                raise NotFound(self.invalid_cursor_message)
        return cursor


@extend_schema_view(
    list=extend_schema(
        responses={200: s.VisitSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401], 404: ERRORS[404]}
    ),
    retrieve=extend_schema(responses={200: s.VisitSerializer, 401: ERRORS[401], 404: ERRORS[404]}),
)
class VisitViewSet(ReviewActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits in the user's scope: shoppers their own, supervisors their regions', head office all."""

    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter
    pagination_class = VisitPagination
    throttle_classes = [WriteThrottle]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return with_interactions(visits_visible_to(self.request.user))

    def _submit(self, request: Request, item) -> tuple[str, dict]:
        """One visit through validation and the submit service: (status, result body), counted in
        the operator's metrics by outcome."""
        outcome, body = self._receive(request, item)
        metrics.submission_outcome(outcome, body.get("errors") or ())
        return outcome, body

    def _receive(self, request: Request, item) -> tuple[str, dict]:
        visit_id = item.get("id") if isinstance(item, dict) else None
        visit_id = visit_id if isinstance(visit_id, str) else None  # echo only what can be an id
        owner = item.get("owner") if isinstance(item, dict) else None
        if owner is not None and owner != request.user.get_username():
            # A shared phone: this visit was recorded by someone else. Stored as this user's it
            # would be credited to the wrong person, so it is refused, and nothing else is said.
            return "wrong_owner", {"id": visit_id, "status": "wrong_owner", "errors": {"owner": WRONG_OWNER}}
        try:
            validated = VISIT_INPUT.run_validation(item)
        except ValidationError:  # reported by a serializer of its own, as DRF reports errors
            serializer = s.VisitInputSerializer(data=item)
            if not serializer.is_valid():
                return "invalid", {"id": visit_id, "status": "invalid", "errors": flatten(serializer.errors)}
            validated = serializer.validated_data
        store_code, data, assignment_id = s.VisitInputSerializer.input_of(validated)
        try:
            result = visit_receive(observer=request.user, store_code=store_code, data=data)
        except VisitInvalid as error:
            return "invalid", {"id": visit_id, "status": "invalid", "errors": error.errors}
        except VisitConflict:
            return "conflict", {"id": str(data.id), "status": "conflict"}
        if assignment_id is not None:  # started from a planned assignment: link them
            assignment_link_visit(assignment_id=assignment_id, visit=result.visit)
        if result.created:
            visit = result.visit  # just written: answer from memory, no need to read it back
            setattr(visit, INTERACTIONS, result.interactions)
        else:
            # A replay: the observer's own visit, also when its store is out of their scope by now.
            visit = with_interactions(visits_recorded_by(request.user)).get(pk=result.visit.pk)
        outcome = "created" if result.created else "already_stored"
        body = s.visit_answer(visit, sees_observers=sees_observers(request.user))  # VisitSerializer's dict
        return outcome, {"id": str(data.id), "status": outcome, "visit": body}

    @extend_schema(
        request=s.VisitInputSerializer,
        responses={
            201: OpenApiResponse(s.VisitSerializer, description="Stored"),
            200: OpenApiResponse(s.VisitSerializer, description="Already stored with the same content (a retry)"),
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="The visit names another user as its owner"),
            409: OpenApiResponse(s.ErrorSerializer, description="This id is taken by other content"),
            413: OpenApiResponse(s.ErrorSerializer, description="Body larger than 256 KB"),
        },
    )
    def create(self, request: Request) -> Response:
        """Submit a finished visit. Its `id` makes retries safe: the same id and content again
        answers 200 with the stored visit; the same id with other content is a 409."""
        self._require_observer(request)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": _("Expected a JSON object.")})
        outcome, body = self._submit(request, request.data)
        if outcome == "invalid":
            return Response(body["errors"], status=status.HTTP_400_BAD_REQUEST)
        if outcome == "conflict":
            raise Conflict()
        if outcome == "wrong_owner":
            raise PermissionDenied(WRONG_OWNER)
        code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
        return Response(body["visit"], status=code)

    @extend_schema(
        request=s.VisitInputSerializer(many=True),
        responses={200: s.SyncResponseSerializer, 400: ERRORS[400], 401: ERRORS[401], 413: ERRORS[400]},
    )
    @action(detail=False, methods=["post"])
    def sync(self, request: Request) -> Response:
        """The phone's offline queue: up to 100 visits, each answered on its own (created,
        already_stored, conflict, wrong_owner, or invalid with reasons); one bad item blocks no other.
        An item may name its `owner` (the user name it was recorded by): if that is not the
        authenticated user, it is refused as wrong_owner."""
        self._require_observer(request)
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": _("Expected a JSON list of visits.")})
        if len(items) > MAX_SYNC_ITEMS:
            raise ValidationError({"non_field_errors": f"At most {MAX_SYNC_ITEMS} visits per request."})
        results = [self._submit(request, item)[1] for item in items]
        return Response({"results": results})

    @staticmethod
    def _require_observer(request: Request) -> None:
        if request.user.role == Role.MANAGER:
            raise PermissionDenied(_("Store managers read reports; they do not record visits."))
