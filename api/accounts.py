"""/api/v1/ log-in and devices: a token per device, log-out, the devices of an account, who is
logged in and which stores they see."""

from __future__ import annotations

from django.contrib.auth import logout
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import FailedLoginThrottle, locked_out
from stores.models import Role
from stores.selectors import stores_visible_to
from stores.services import store_set_calendar

from . import serializers as s
from .errors import ERRORS
from .models import DeviceToken
from .tokens import device_token_issue, device_tokens_revoke, devices_of


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
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return stores_visible_to(self.request.user).filter(is_active=True)

    @extend_schema(methods=["GET"], request=None, responses={200: s.StoreCalendarSerializer, 404: ERRORS[404]})
    @extend_schema(
        methods=["PATCH"],
        request=s.StoreCalendarSerializer,
        responses={200: s.StoreCalendarSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get", "patch"])
    def calendar(self, request: Request, code=None) -> Response:
        """When the store is closed, so that no visit is planned then: its country (ISO 3166-1) and
        subdivision for the public holidays ("DE-BY" is read as BY), its closed weekdays ("7":
        Sundays). Head office changes it (PATCH, any of the three); others get 404."""
        if request.user.role != Role.HEAD_OFFICE:
            raise NotFound()
        store = self.get_object()
        if request.method == "PATCH":
            serializer = s.StoreCalendarSerializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            store = store_set_calendar(store=store, by=request.user, **serializer.validated_data)
        return Response(s.StoreCalendarSerializer(store).data)
