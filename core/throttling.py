"""Rate limits keyed on the client's real address (core.client_address), and the answers of a request
over a limit or locked out (429, as a page or as JSON)."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

from core.client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request)


class FailedLoginThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Failed log-ins per address, on the login page and the token endpoint together ("login" in
    DEFAULT_THROTTLE_RATES): password spraying over many user names from one address is stopped,
    whatever user names it tries. Only failures count, so an office whose staff share one address
    logs in freely. `allow_request` checks; the view calls `record_failure` when the password was
    wrong (DRF's throttles would count every request)."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests

    def record_failure(self) -> None:
        if self.rate is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """What a locked-out login or token request gets: 429 with a plain reason."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed log-in attempts. Please wait %(minutes)d minutes and try again.") % {
        "minutes": minutes
    }
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def throttled_message(wait: float | None) -> str:
    seconds = max(1, math.ceil(wait or 1))
    return ngettext(
        "Too many requests from your address. Please try again in %(seconds)d second.",
        "Too many requests from your address. Please try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def too_many_requests(request: HttpRequest, wait: float | None) -> HttpResponse:
    """The answer to a request over a rate limit: 429 with a plain reason and Retry-After, as a
    page or as JSON (the API's throttles answer in the same shape, see api.errors)."""
    message = throttled_message(wait)
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message, "code": "throttled"}, status=429)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait or 1)))
    return response
