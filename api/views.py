"""/api/v1/ views: validate with a serializer, call a service or selector, serialize the result.
Every queryset comes from a selector scoped to request.user."""

from __future__ import annotations

import contextlib
import datetime as dt

import django_filters
from django.contrib.auth import logout
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from observations.models import Rubric, Visit, VisitQuestion, VisitStatus
from observations.selectors import (
    INTERACTIONS,
    QueueFilters,
    open_questions_for,
    review_queue_for,
    visits_recorded_by,
    visits_reviewable_by,
    visits_visible_to,
    with_interactions,
)
from observations.services import (
    ReviewConflict,
    ReviewNotAllowed,
    SelfReview,
    VisitConflict,
    VisitInvalid,
    question_answer,
    review_undo,
    visit_ask_question,
    visit_receive,
    visit_review,
    visits_approve_unflagged,
)
from planning.services import assignment_link_visit
from project.middleware import locked_out
from project.throttling import FailedLoginThrottle
from reports.params import MAX_YEAR, MIN_YEAR
from stores.models import Role
from stores.selectors import stores_visible_to

from . import serializers as s
from .errors import Conflict, flatten
from .models import DeviceToken
from .throttling import WriteThrottle
from .tokens import device_token_issue, device_tokens_revoke, devices_of

MAX_SYNC_ITEMS = 100
WRONG_OWNER = _lazy("was recorded by another user; only they can send it.")

ERRORS = {
    400: OpenApiResponse(description="Invalid input: an object from field path to message"),
    401: OpenApiResponse(s.ErrorSerializer, description="Not authenticated"),
    404: OpenApiResponse(s.ErrorSerializer, description="Unknown, or not in your scope"),
}


@extend_schema(
    request=s.TokenRequestSerializer,
    responses={200: s.TokenResponseSerializer, 400: ERRORS[400], 429: OpenApiResponse(s.ErrorSerializer)},
    auth=[],
)
class TokenView(APIView):
    """Exchange a user name and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # failed log-ins per address, counted in post()

    def post(self, request: Request) -> Response:
        throttle = FailedLoginThrottle()
        if not throttle.allow_request(request, self):
            raise Throttled(throttle.wait())
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": _("Expected a JSON object.")})
        device = s.TokenRequestSerializer(data=request.data)
        if not device.is_valid() and "device" in device.errors:
            raise ValidationError({"device": device.errors["device"]})
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            throttle.record_failure()
            # django-axes marks a locked-out attempt on the request it was given (DRF's wrapper).
            if getattr(request, "axes_locked_out", False):
                return locked_out(request._request)
            raise ValidationError(serializer.errors)
        device_token, token = device_token_issue(
            user=serializer.validated_data["user"], device=device.validated_data.get("device", "")
        )
        return Response({"token": token, "device_id": device_token.device_id, "expiry": device_token.expiry})


@extend_schema(request=None, responses={204: None, 401: ERRORS[401]})
class LogoutView(APIView):
    """Log this device out: its token is revoked at once (a session is ended too)."""

    def post(self, request: Request) -> Response:
        if isinstance(request.auth, DeviceToken):
            device_tokens_revoke(user=request.user, device_id=request.auth.device_id)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(responses={200: s.DeviceSerializer(many=True), 401: ERRORS[401]}),
)
class DeviceListView(APIView):
    """The devices logged in to your account (each with its own token), most recently used first."""

    def get(self, request: Request) -> Response:
        return Response(s.DeviceSerializer(devices_of(request.user), many=True, context={"request": request}).data)


@extend_schema(request=None, responses={204: None, 401: ERRORS[401], 404: ERRORS[404]})
class DeviceRevokeView(APIView):
    """Revoke one of your devices: its token stops working at once."""

    def delete(self, request: Request, device_id) -> Response:
        if not device_tokens_revoke(user=request.user, device_id=device_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={200: s.MeSerializer, 401: ERRORS[401]})
class MeView(APIView):
    """The logged-in user, their role and the stores they may see."""

    def get(self, request: Request) -> Response:
        context = {"stores": stores_visible_to(request.user)}
        return Response(s.MeSerializer(request.user, context=context).data)


@extend_schema_view(list=extend_schema(responses={200: s.StoreSerializer(many=True), 401: ERRORS[401]}))
class StoreViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stores the user may see."""

    serializer_class = s.StoreSerializer

    def get_queryset(self):
        return stores_visible_to(self.request.user).filter(is_active=True)


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
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits in the user's scope: shoppers their own, supervisors their regions', head office all."""

    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter
    pagination_class = VisitPagination
    throttle_classes = [WriteThrottle]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return with_interactions(visits_visible_to(self.request.user))

    def _submit(self, request: Request, item) -> tuple[str, dict]:
        """One visit through validation and the submit service: (status, result body)."""
        visit_id = item.get("id") if isinstance(item, dict) else None
        visit_id = visit_id if isinstance(visit_id, str) else None  # echo only what can be an id
        owner = item.get("owner") if isinstance(item, dict) else None
        if owner is not None and owner != request.user.get_username():
            # A shared phone: this visit was recorded by someone else. Stored as this user's it
            # would be credited to the wrong person, so it is refused, and nothing else is said.
            return "wrong_owner", {"id": visit_id, "status": "wrong_owner", "errors": {"owner": WRONG_OWNER}}
        serializer = s.VisitInputSerializer(data=item, context={"observer": request.user})
        if not serializer.is_valid():
            return "invalid", {"id": visit_id, "status": "invalid", "errors": flatten(serializer.errors)}
        store_code, data = serializer.to_input()
        try:
            result = visit_receive(observer=request.user, store_code=store_code, data=data)
        except VisitInvalid as error:
            return "invalid", {"id": visit_id, "status": "invalid", "errors": error.errors}
        except VisitConflict:
            return "conflict", {"id": str(data.id), "status": "conflict"}
        if serializer.assignment_id is not None:  # started from a planned assignment: link them
            assignment_link_visit(assignment_id=serializer.assignment_id, visit=result.visit)
        if result.created:
            visit = result.visit  # just written: answer from memory, no need to read it back
            setattr(visit, INTERACTIONS, result.interactions)
        else:
            # A replay: the observer's own visit, also when its store is out of their scope by now.
            visit = with_interactions(visits_recorded_by(request.user)).get(pk=result.visit.pk)
        outcome = "created" if result.created else "already_stored"
        body = s.VisitSerializer(visit, context={"request": request}).data
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

    def _reviewable_visit(self, request: Request, pk: str | None) -> Visit:
        if request.user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
            raise PermissionDenied(_("Only supervisors and head office review visits."))
        return get_object_or_404(visits_reviewable_by(request.user), pk=pk)

    def _visit_response(self, request: Request, visit: Visit) -> Response:
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(s.VisitSerializer(visit, context={"request": request}).data)

    @extend_schema(
        request=s.ReviewSerializer,
        responses={
            200: s.VisitSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="Not a reviewer, or your own visit"),
            404: ERRORS[404],
            409: OpenApiResponse(
                s.ErrorSerializer, description="Someone else already decided (head office may override)"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Approve or reject a visit (supervisors of its region, head office; never one's own).
        Rejecting needs a note. A visit someone else decided is a 409 unless head office sends
        `override: true` with a note; the decision and any override are in the audit trail."""
        visit = self._reviewable_visit(request, pk)
        serializer = s.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _review_errors():
            visit_review(visit=visit, reviewer=request.user, **serializer.validated_data)
        return self._visit_response(request, visit)

    @extend_schema(
        request=None,
        responses={200: s.VisitSerializer, 403: ERRORS[401], 404: ERRORS[404], 409: OpenApiResponse(s.ErrorSerializer)},
    )
    @action(detail=True, methods=["post"], url_path="review/undo")
    def review_undo(self, request: Request, pk: str | None = None) -> Response:
        """Undo your latest decision on this visit, within five minutes."""
        visit = self._reviewable_visit(request, pk)
        with _review_errors():
            review_undo(reviewer=request.user, visit=visit)
        return self._visit_response(request, visit)

    @extend_schema(
        operation_id="v1_visits_review_undo_batch",
        request=s.UndoSerializer,
        responses={
            200: s.BulkApproveResultSerializer,
            400: ERRORS[400],
            403: ERRORS[401],
            409: OpenApiResponse(s.ErrorSerializer),
        },
    )
    @action(detail=False, methods=["post"], url_path="review/undo")
    def review_undo_batch(self, request: Request) -> Response:
        """Undo a whole bulk approval (its `batch`), within five minutes."""
        if request.user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
            raise PermissionDenied(_("Only supervisors and head office review visits."))
        serializer = s.UndoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "batch" not in serializer.validated_data:
            raise ValidationError({"batch": _("is required.")})
        batch = serializer.validated_data["batch"]
        with _review_errors():
            undone = review_undo(reviewer=request.user, batch=batch)
        return Response({"batch": str(batch), "approved": [], "left": [str(visit.pk) for visit in undone]})

    @extend_schema(
        request=s.BulkApproveSerializer,
        responses={200: s.BulkApproveResultSerializer, 400: ERRORS[400], 403: ERRORS[401]},
    )
    @action(detail=False, methods=["post"], url_path="review/approve-unflagged")
    def approve_unflagged(self, request: Request) -> Response:
        """Approve the listed visits that carry no flag, in one batch that can be undone for five
        minutes; flagged, decided or out-of-scope visits are left as they are."""
        if request.user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
            raise PermissionDenied(_("Only supervisors and head office review visits."))
        serializer = s.BulkApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = serializer.validated_data["visits"]
        visits = list(visits_reviewable_by(request.user).filter(pk__in=wanted))
        batch, approved = visits_approve_unflagged(visits=visits, reviewer=request.user)
        done = {visit.pk for visit in approved}
        return Response(
            {
                "batch": str(batch),
                "approved": [str(pk) for pk in wanted if pk in done],
                "left": [str(pk) for pk in wanted if pk not in done],
            }
        )

    @extend_schema(
        request=s.QuestionInputSerializer,
        responses={
            201: s.QuestionSerializer,
            400: ERRORS[400],
            403: ERRORS[401],
            404: ERRORS[404],
            409: OpenApiResponse(s.ErrorSerializer),
        },
    )
    @action(detail=True, methods=["post"])
    def question(self, request: Request, pk: str | None = None) -> Response:
        """Send the visit back to its shopper with a question; it waits until they answer on the phone."""
        visit = self._reviewable_visit(request, pk)
        serializer = s.QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _review_errors():
            asked = visit_ask_question(visit=visit, reviewer=request.user, **serializer.validated_data)
        return Response(s.QuestionSerializer(asked).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("store", str, description="store code"),
            OpenApiParameter("region", str, description="region code"),
            OpenApiParameter("flag", str, description="flagged, unflagged, or a flag code"),
            OpenApiParameter("min_age_days", int, description="waiting at least this many days"),
        ],
        responses={200: s.ReviewQueueSerializer, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[401]},
    )
    @action(detail=False, methods=["get"], url_path="review-queue", pagination_class=None, filterset_class=None)
    def review_queue(self, request: Request) -> Response:
        """Shopper visits waiting for a decision (never your own), flagged first, then oldest first,
        with their count; filter by store, region, flag and age."""
        if request.user.role not in (Role.SUPERVISOR, Role.HEAD_OFFICE):
            raise PermissionDenied(_("Only supervisors and head office review visits."))
        filters = s.QueueFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queue = review_queue_for(request.user, QueueFilters(**filters.validated_data))
        page = with_interactions(queue)[:200]
        context = {"request": request}
        return Response(
            {"count": queue.count(), "results": s.ReviewQueueItemSerializer(page, many=True, context=context).data}
        )

    @staticmethod
    def _require_observer(request: Request) -> None:
        if request.user.role == Role.MANAGER:
            raise PermissionDenied(_("Store managers read reports; they do not record visits."))


@contextlib.contextmanager
def _review_errors():
    """The review services' refusals as HTTP answers: 400 with the field, 403, or 409 saying why."""
    try:
        with transaction.atomic():
            yield
    except VisitInvalid as error:
        raise ValidationError(error.errors) from None
    except SelfReview:
        raise PermissionDenied(_("Nobody reviews their own visit.")) from None
    except ReviewNotAllowed:
        raise PermissionDenied() from None
    except ReviewConflict as error:
        raise Conflict(error.message) from None


class QuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reviewers' questions about your own visits that wait for your answer (shoppers, on the phone)."""

    serializer_class = s.QuestionSerializer
    pagination_class = None
    throttle_classes = [WriteThrottle]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return VisitQuestion.objects.none()
        return open_questions_for(self.request.user)

    @extend_schema(
        request=s.AnswerInputSerializer,
        responses={
            200: s.QuestionSerializer,
            400: ERRORS[400],
            404: ERRORS[404],
            409: OpenApiResponse(s.ErrorSerializer),
        },
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Answer a reviewer's question about your visit (an identical replay answers 200 again)."""
        question = get_object_or_404(VisitQuestion.objects.filter(visit__observer=request.user), pk=pk)
        serializer = s.AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _review_errors():
            answered = question_answer(question=question, shopper=request.user, **serializer.validated_data)
        return Response(s.QuestionSerializer(answered).data)
