"""One error type for every rule of the domain that says no, translated to HTTP in one place.

Services raise a `DomainError` (or one of its kinds below) carrying a code a client can act on, the
field it concerns (or several, as `errors`), a message in the user's language and the HTTP status that
answers it. They know nothing of HTTP beyond that number: the API's exception handler
(`api.errors.api_exception_handler`) and the pages (`DomainErrorMiddleware`, `form_errors`) turn it
into a response, so no view keeps a table of its own.

    raise Invalid(_("must not be in the past."), field="due_date")
    raise Conflict(_("This visit was decided by someone else."), code="decided_elsewhere")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain says no. `errors` maps each field concerned to its message; an error
    that concerns no field has only `message`."""

    status: int = 400
    code: str = "invalid"
    default_message: Any = _("This request is not valid.")

    def __init__(
        self,
        message: Any = None,
        *,
        field: str | None = None,
        errors: Mapping[str, Any] | None = None,
        code: str | None = None,
        status: int | None = None,
    ):
        self.message = self.default_message if message is None else message
        self.field = field
        if errors is None:
            errors = {field: self.message} if field else {}
        self.errors: dict[str, Any] = dict(errors)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        super().__init__(self.errors or self.message)

    def body(self) -> dict[str, str]:
        """The answer's JSON: `{field: message}` for the fields concerned, else `{"detail": message}`
        (the shapes of the API's validation and other errors)."""
        if self.errors:
            return {field: str(message) for field, message in self.errors.items()}
        return {"detail": str(self.message)}


class Invalid(DomainError):
    """What was sent breaks a rule (400)."""


class NotAllowed(DomainError):
    """This user may not do this (403). Use `NotFound` where saying so would reveal that the object exists."""

    status = 403
    code = "not_allowed"
    default_message = _("You do not have permission to perform this action.")


class NotFound(DomainError):
    """No such object in the user's scope (404, as for an object that does not exist)."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    """The object's state does not allow this now (409): decided by someone else, taken already."""

    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state.")


def form_errors(form, error: DomainError) -> None:
    """Show a domain error on a page's form: each field's message beside the field, the others
    (and a message that names no field) above the form."""
    if not error.errors:
        form.add_error(None, str(error.message))
        return
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, str(message))


class DomainErrorMiddleware:
    """The pages' translation of a domain error a view let through: 404 and 403 as Django answers
    them (the site's not-found and forbidden pages), other errors as a page naming what is wrong
    with the error's status. A form page shows its errors beside the fields instead (`form_errors`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            raise Http404(str(exception.message)) from exception
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(str(exception.message)) from exception
        messages = [str(message) for message in exception.errors.values()] or [str(exception.message)]
        referer = request.headers.get("Referer", "")
        back = referer if referer.startswith(request.build_absolute_uri("/")) else ""
        context = {"messages_of_error": messages, "back": back}
        return TemplateResponse(request, "core/domain_error.html", context, status=exception.status).render()
