"""A deactivation or a change of role ends every token and session of the person, whichever path
made it (admin action, admin form, import, command, service), and a reactivation brings none back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core import outbox
from stores.models import Role, User
from stores.services import user_deactivate

from ..imports.files import USER_COLUMNS, csv_text
from .test_tokens import PASSWORD, REFUSED, log_in, with_token

pytestmark = pytest.mark.django_db


def admin_form(client, user: User, store, **changes) -> None:
    data = {
        "username": user.username,
        "role": user.role,
        "stores": [store.pk],
        "email": user.email,
        "language": "de",
        "is_active": "on",
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(reverse("admin:stores_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def import_row(client, user: User, store, **changes) -> None:
    row = {
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "stores": store.code,
        "language": "de",
        "is_active": "1",
        **changes,
    }
    upload = io.BytesIO(csv_text(USER_COLUMNS, [row]).encode())
    upload.name = "people.csv"
    upload_response = client.post(reverse("admin:stores_user_import"), {"import_file": upload, "format": "0"})
    outbox.run()  # the preview, as a worker does it (inline without a broker)
    preview = client.get(upload_response["Location"])
    assert preview.context["can_confirm"], preview.context["job"].row_errors
    assert client.post(upload_response["Location"]).status_code == 302
    outbox.run()


def deactivate(path: str, client, user: User, store) -> None:
    if path == "service":
        user_deactivate(user=user)
    elif path == "admin_action":
        changelist = reverse("admin:stores_user_changelist")
        client.post(changelist, {"action": "deactivate_users", "_selected_action": [user.pk]})
    elif path == "admin_form":
        admin_form(client, user, store, is_active=None)
    elif path == "import":
        import_row(client, user, store, is_active="0")
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.parametrize("path", ["service", "admin_action", "admin_form", "import"])
def test_a_deactivated_persons_token_stays_dead_after_reactivation(client, head_office, shopper, store, path):
    token = log_in("shopper-anna")["token"]
    client.force_login(head_office)

    deactivate(path, client, shopper, store)
    assert with_token(token).get(reverse("me")).json() == REFUSED
    admin_form(client, shopper, store)  # reactivated
    shopper.refresh_from_db()

    assert shopper.is_active
    assert with_token(token).get(reverse("me")).json() == REFUSED
    assert with_token(log_in("shopper-anna")["token"]).get(reverse("me")).status_code == 200


@pytest.mark.parametrize("path", ["admin_form", "import", "add_user"])
def test_a_new_role_ends_the_tokens_issued_under_the_old_one(client, head_office, shopper, store, monkeypatch, path):
    token = log_in("shopper-anna")["token"]
    client.force_login(head_office)

    if path == "admin_form":
        admin_form(client, shopper, store, role=Role.MANAGER)
    elif path == "import":
        import_row(client, shopper, store, role=Role.MANAGER)
    else:
        monkeypatch.setenv("OASIS_PASSWORD", "")
        call_command("add_user", "shopper-anna", "--role", "manager", "--store", store.code, stdout=io.StringIO())
    shopper.refresh_from_db()

    assert shopper.role == Role.MANAGER
    assert with_token(token).get(reverse("me")).json() == REFUSED


def test_an_edit_that_keeps_role_and_activity_keeps_the_token(client, head_office, shopper, store):
    token = log_in("shopper-anna")["token"]
    client.force_login(head_office)
    admin_form(client, shopper, store, first_name="Anna")
    assert with_token(token).get(reverse("me")).status_code == 200


def test_a_web_session_ends_with_a_change_of_role_too(client, shopper, store):
    browser = APIClient()
    assert browser.login(username="shopper-anna", password=PASSWORD)
    assert browser.get(reverse("me")).status_code == 200
    shopper.role = Role.MANAGER
    shopper.save()
    assert browser.get(reverse("me")).status_code in (401, 403)
