"""The role's scope rule holds for every imported row, also when the file has no scope columns."""

from __future__ import annotations

import pytest

from stores.models import Role, User

from ..factories import UserFactory
from .files import csv_text

pytestmark = pytest.mark.django_db

COLUMNS = ["username", "email", "role"]


def invalid_rows(preview) -> dict[int, dict]:
    return {refused["row"]: refused["errors"] for refused in preview.context["job"].row_errors}


def test_new_people_without_scope_columns_are_refused_by_the_scope_rule(admin_import, regions):
    people = admin_import("user")
    rows = [
        {"username": "new-supervisor", "email": "s@example.com", "role": Role.SUPERVISOR},
        {"username": "new-manager", "email": "m@example.com", "role": Role.MANAGER},
        {"username": "new-head", "email": "h@example.com", "role": Role.HEAD_OFFICE},
    ]

    preview = people.preview(csv_text(COLUMNS, rows))

    assert invalid_rows(preview) == {
        1: {"regions": ["A supervisor needs at least one region."]},
        2: {"stores": ["A shopper or store manager needs at least one store."]},
    }
    assert preview.context["can_confirm"] is False
    assert not User.objects.filter(username__startswith="new-").exists()


def test_a_role_changed_without_scope_columns_is_judged_with_the_stored_scope(admin_import, store, regions):
    shopper = UserFactory(username="shopper-eva", email="eva@example.com", role=Role.SHOPPER, stores=[store])
    people = admin_import("user")

    preview = people.preview(
        csv_text(COLUMNS, [{"username": "shopper-eva", "email": "eva@example.com", "role": "supervisor"}])
    )

    assert invalid_rows(preview) == {
        1: {
            "stores": ["Only shoppers and store managers are given stores."],
            "regions": ["A supervisor needs at least one region."],
        }
    }
    shopper.refresh_from_db()
    assert shopper.role == Role.SHOPPER


def test_a_row_without_scope_columns_that_keeps_a_valid_scope_imports(admin_import, store):
    UserFactory(username="shopper-eva", email="eva@example.com", role=Role.SHOPPER, stores=[store])
    people = admin_import("user")
    preview = people.preview(
        csv_text(COLUMNS, [{"username": "shopper-eva", "email": "new@example.com", "role": "shopper"}])
    )
    assert invalid_rows(preview) == {}
    assert people.confirm(preview).status_code == 302
    assert User.objects.get(username="shopper-eva").email == "new@example.com"
