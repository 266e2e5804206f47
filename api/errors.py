"""One error shape for the whole API: a flat object from field path to message.

`{"interactions[2].greeting_seconds": "is required when greeted is true."}` — so a phone can put
each message next to its field. Errors that concern no field keep DRF's `{"detail": ...}`.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed, NotAuthenticated, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from core.errors import DomainError
from core.throttling import throttled_message

from .serializers import ErrorSerializer

# The error answers of the API's operations, for their OpenAPI descriptions.
ERRORS = {
    400: OpenApiResponse(description="Invalid input: an object from field path to message"),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated"),
    404: OpenApiResponse(ErrorSerializer, description="Unknown, or not in your scope"),
}


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than 256 KB."
    default_code = "payload_too_large"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A visit with this id already exists with other content."
    default_code = "conflict"


def flatten(detail, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail as {path: message}."""
    if isinstance(detail, dict):
        flat: dict[str, str] = {}
        for key, value in detail.items():
            if key == "non_field_errors":
                path = prefix or "non_field_errors"
            elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                path = f"{prefix}[{key}]"  # DRF reports list items by index
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, path))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": " ".join(str(item) for item in detail)} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix or "non_field_errors": str(detail)}


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # The one translation of a service's refusal for every API view: its status, and the
        # shape of the API's other errors ({field: message}, or {"detail": message}).
        set_rollback()
        return Response(exc.body(), status=exc.status)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = flatten(exc.detail)
    elif response is not None and isinstance(exc, (AuthenticationFailed, NotAuthenticated)):
        # A client tells "log in again" (token_invalid) from "send credentials" (not_authenticated).
        response.data = {"detail": str(exc.detail), "code": exc.detail.code}
    elif response is not None and isinstance(exc, Throttled):
        # The same words as the login page's limit; DRF has set Retry-After already.
        response.data = {"detail": throttled_message(exc.wait), "code": "throttled"}
    return response
