"""Cross-cutting request handling: database outages, session lifetime and the Content Security Policy."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.text import strict_int
from core.throttling import wants_json
from stores.models import Role

logger = logging.getLogger(__name__)

# Head office and supervisors can change data across many stores: shorter idle sessions.
IDLE_LIMIT_SECONDS = {Role.HEAD_OFFICE: 30 * 60, Role.SUPERVISOR: 30 * 60}
ABSOLUTE_LIMIT_SECONDS = 12 * 3600
IDLE_REFRESH_SECONDS = 60
RETRY_AFTER_SECONDS = 10


# A JSON answer is never rendered as a page: nothing may load from it or frame it (the policy OWASP
# recommends for APIs). It keeps the phone app's start light, which reads a handful of them.
JSON_POLICY = {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's policy (settings.CONTENT_SECURITY_POLICY) on pages, the short one on JSON."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponse, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if is_json and not report_only and parts.config is None and not parts.update and not parts.replace:
            parts.config = JSON_POLICY
        return parts


def _is_outage(exception: Exception) -> bool:
    """A lost or refused connection, not a bug in a query."""
    if isinstance(exception, InterfaceError):
        return True
    if isinstance(exception, OperationalError):
        return True
    return isinstance(exception, DatabaseError) and "connection" in str(exception).lower()


class DatabaseUnavailableMiddleware:
    """Answer 503 with a short JSON or HTML message (never a traceback) while the database is
    unreachable, and drop the broken connections so the next request reconnects."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_outage(exception):
            return None
        return service_unavailable(request, exception)


def service_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.error("database unavailable: %s", exception.__class__.__name__)
    for connection in connections.all(initialized_only=True):
        # Drop the broken connection; the next request opens a fresh one.
        try:
            if not connection.is_usable():
                connection.close()
        except DatabaseError:
            connection.connection = None
    message = _("The service is briefly unavailable. Your data is safe; please try again in a moment.")
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message, "code": "service_unavailable"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage anywhere (also in middleware) is a 503; anything else a
    plain 500 page or JSON body, never a traceback."""
    exception = sys.exc_info()[1]
    if exception is not None and _is_outage(exception):
        return service_unavailable(request, exception)
    if wants_json(request):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)


class SessionLifetimeMiddleware:
    """Sessions end 12 hours after login at the latest, and after 30 idle minutes for head
    office and supervisors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session") and request.session.session_key:
            now = int(time.time())
            started = request.session.setdefault("oasis_login_at", now)
            if now - started > ABSOLUTE_LIMIT_SECONDS:
                logout(request)
                return redirect_to_login(request)
            idle_limit = IDLE_LIMIT_SECONDS.get(user.role)
            # Push the idle deadline forward at most once a minute: not a session write per request.
            if idle_limit and now - request.session.get("oasis_seen_at", 0) >= IDLE_REFRESH_SECONDS:
                request.session["oasis_seen_at"] = now
                request.session.set_expiry(idle_limit)
        return self.get_response(request)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": _("Your session has expired. Please log in again.")}, status=401)
    return redirect(f"/accounts/login/?next={request.path}")


class RequestSizeLimitMiddleware:
    """Refuse bodies larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 413 before anything reads them
    (Django's own check would answer a bare 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = strict_int(request.META.get("CONTENT_LENGTH")) or 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        for prefix, larger in settings.OASIS_BODY_LIMITS.items():
            if request.path.startswith(prefix):
                limit = larger
        if limit is not None and declared > limit:
            message = _("The request body is larger than %(kb)d KB.") % {"kb": limit // 1024}
            if wants_json(request):
                return JsonResponse({"detail": message, "code": "payload_too_large"}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON on the API (for clients and the OpenAPI contract), the usual page elsewhere."""
    if wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
