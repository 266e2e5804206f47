"""A domain error raised by a service is answered the same way on every API view and page."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.errors import Conflict, Invalid, NotAllowed, NotFound


class Refusing(APIView):
    permission_classes = [AllowAny]
    error = None

    def get(self, request):
        raise self.error


def refusing_page(error):
    def view(request):
        raise error

    return view


ERRORS = {
    "invalid-field": Invalid(_("must not be in the past."), field="due_date"),
    "invalid-fields": Invalid(errors={"reason": _("is required."), "wave": "is published already."}),
    "not-allowed": NotAllowed(),
    "not-found": NotFound(),
    "conflict": Conflict("This visit was decided by someone else.", code="decided_elsewhere"),
}

urlpatterns = [
    *(path(f"api/{name}/", Refusing.as_view(error=error)) for name, error in ERRORS.items()),
    *(path(f"page/{name}/", refusing_page(error)) for name, error in ERRORS.items()),
    path("", include("project.urls")),  # the site's pages link to the language switch, log-out, ...
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.mark.parametrize(
    "name, status, body",
    [
        ("invalid-field", 400, {"due_date": "must not be in the past."}),
        ("invalid-fields", 400, {"reason": "is required.", "wave": "is published already."}),
        ("not-allowed", 403, {"detail": "You do not have permission to perform this action."}),
        ("not-found", 404, {"detail": "Not found."}),
        ("conflict", 409, {"detail": "This visit was decided by someone else."}),
    ],
)
def test_api_answers_a_domain_error_with_its_status_and_the_fields_concerned(client, name, status, body):
    response = client.get(f"/api/{name}/")
    assert response.status_code == status
    assert response.json() == body


def test_api_answers_a_domain_error_in_the_users_language(client):
    response = client.get("/api/invalid-field/", headers={"accept-language": "de"})
    assert response.status_code == 400
    assert response.json() == {"due_date": "darf nicht in der Vergangenheit liegen."}


@override_settings(DEBUG=False)
@pytest.mark.parametrize("name, status", [("not-found", 404), ("not-allowed", 403)])
def test_page_answers_not_found_and_not_allowed_as_django_does(client, name, status):
    assert client.get(f"/page/{name}/").status_code == status


def test_page_names_what_is_wrong_with_the_errors_status(client):
    response = client.get("/page/invalid-fields/")
    assert response.status_code == 400
    assert "is required." in response.content.decode()
    assert "is published already." in response.content.decode()
    conflict = client.get("/page/conflict/")
    assert conflict.status_code == 409
    assert "This visit was decided by someone else." in conflict.content.decode()


def test_domain_error_carries_code_field_and_message():
    error = Invalid(_("must not be in the past."), field="due_date", code="past_due_date")
    assert (error.code, error.field, str(error.message), error.status) == (
        "past_due_date",
        "due_date",
        "must not be in the past.",
        400,
    )
    assert (NotAllowed().status, NotFound().status, Conflict().status) == (403, 404, 409)
