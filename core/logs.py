"""Structured logs: one JSON object a line, each carrying the request id of the work it belongs to
and the id of the user it was done for, and no personal data.

The request id is taken from a sane `X-Request-ID` header (a proxy's) or made up, answered in the
response's `X-Request-ID`, and recorded on the outbox items the request writes, so the worker that
does the follow-up work logs under the same id. The user is logged by id only: never a user name,
an e-mail address, note text, a password or a token (README, "Logs").
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery.signals import task_prerun
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.core import RESERVED_ATTRS

logger = logging.getLogger("oasis.requests")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

# Attributes some libraries attach to their records that would print a request (with its query
# string and headers) into the line: dropped.
DROPPED_ATTRS = [*RESERVED_ATTRS, "request"]


def current_request_id() -> str:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(*, request_id: str | None) -> Iterator[None]:
    """Log under this request id until the block ends (a new one if None): a worker doing the
    outbox work a request recorded, a Celery task."""
    token = request_id_var.set(request_id or new_request_id())
    try:
        yield
    finally:
        request_id_var.reset(token)


@task_prerun.connect(dispatch_uid="oasis-log-task-id")
def _task_started(task_id: str | None = None, **kwargs) -> None:
    """A Celery task's lines carry its task id until an outbox item binds its request's."""
    request_id_var.set(task_id or new_request_id())
    user_id_var.set(None)


def bind_user(user) -> None:
    """The authenticated user of this request, from the moment it is known (session or token)."""
    if user is not None and getattr(user, "is_authenticated", False):
        user_id_var.set(user.pk)


class ContextFilter(logging.Filter):
    """Adds request_id and user_id to every record (None outside a request or outbox work)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or None
        record.user_id = user_id_var.get()
        return True


class RequestLogMiddleware:
    """Gives each request its id, and logs one line when it is answered: the view (its URL name and
    pattern, never the path, which may carry a password-reset token), method, status, duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_token = request_id_var.set(sent if _SANE_ID.match(sent) else new_request_id())
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            # DRF authenticates a token inside the view and sets the request's user then.
            bind_user(getattr(request, "user", None))
            match = getattr(request, "resolver_match", None)
            logger.info(
                "request",
                extra={
                    "view": match.view_name if match else None,
                    "route": match.route if match else None,
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            response["X-Request-ID"] = request_id_var.get()
            return response
        finally:
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)


class UserLogMiddleware:
    """Binds the session's user to the log lines of the request (placed after Django's
    AuthenticationMiddleware). Without a session cookie this costs nothing; with one, the view
    would load the user anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bind_user(getattr(request, "user", None))
        return self.get_response(request)
