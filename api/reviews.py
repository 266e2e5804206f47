"""/api/v1/ review workflow: supervisors and head office approve, reject, undo and ask about
visits (actions of the visits' endpoint, /visits/{id}/review/ ...), the review queue, and the
shoppers' answers to their questions. A service's refusal (observations.review: VisitInvalid,
ReviewNotAllowed, SelfReview, ReviewConflict) is answered by the API's exception handler."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from observations.models import Visit, VisitQuestion
from observations.review import question_answer, review_undo, visit_ask_question, visit_review, visits_approve_unflagged
from observations.selectors import (
    QueueFilters,
    open_questions_for,
    review_queue_for,
    visits_reviewable_by,
    with_interactions,
)
from stores.models import Role

from . import serializers as s
from .errors import ERRORS
from .throttling import WriteThrottle


class ReviewActions:
    """The review workflow's actions of the visits' endpoint (`api.visits.VisitViewSet`)."""

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
        with transaction.atomic():
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
        with transaction.atomic():
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
        with transaction.atomic():
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
        with transaction.atomic():
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
        with transaction.atomic():
            answered = question_answer(question=question, shopper=request.user, **serializer.validated_data)
        return Response(s.QuestionSerializer(answered).data)
