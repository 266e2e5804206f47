"""The role is the permission: head office's group, kept in step with the role."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group

from stores.models import Role
from stores.roles import HEAD_OFFICE_GROUP, HEAD_OFFICE_PERMISSIONS, head_office_permission_codenames
from stores.services import user_apply_role, user_deactivate

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_made_the_head_office_group_with_exactly_the_role_permissions():
    group = Group.objects.get(name=HEAD_OFFICE_GROUP)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert held == head_office_permission_codenames()


# Each app's migration grants head office its own models' permissions.
GRANTING_MIGRATIONS = [
    "stores.migrations.0003_head_office_group",
    "stores.migrations.0008_store_calendar",
    "sso.migrations.0002_head_office_permissions",
    "notifications.migrations.0002_head_office_permissions",
    "notifications.migrations.0004_head_office_reads_set_password_mails",
    "coaching.migrations.0002_head_office_permissions",
    "planning.migrations.0003_head_office_permissions",
    "core.migrations.0003_head_office_permissions",
    "photos.migrations.0002_head_office_permissions",
    "webhooks.migrations.0002_head_office_permissions",
]


def test_the_migrations_grant_what_the_code_says_head_office_holds():
    granted: dict = {}
    for name in GRANTING_MIGRATIONS:
        granted.update(importlib.import_module(name).PERMISSIONS)
    assert granted == HEAD_OFFICE_PERMISSIONS


def test_head_office_by_role_may_manage_the_program_without_being_superuser():
    user = user_apply_role(user=UserFactory(role=Role.HEAD_OFFICE))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    assert user.is_staff and not user.is_superuser
    for perm in ["stores.change_store", "stores.add_user", "stores.change_region", "observations.add_rubric"]:
        assert user.has_perm(perm)
    assert not user.has_perm("stores.delete_store")


def test_leaving_head_office_takes_the_admin_away():
    user = user_apply_role(user=UserFactory(role=Role.HEAD_OFFICE))
    user.role = Role.SUPERVISOR
    user.save()
    user_apply_role(user=user)
    user = type(user).objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.groups.filter(name=HEAD_OFFICE_GROUP).exists()


def test_a_deactivated_head_office_loses_the_group():
    user = user_apply_role(user=UserFactory(role=Role.HEAD_OFFICE))
    user_deactivate(user=user)
    assert not user.groups.exists()
    assert not user.is_staff


def test_a_superuser_of_another_role_stays_staff_but_gets_no_group():
    user = user_apply_role(user=UserFactory(role=Role.SHOPPER, is_superuser=True))
    assert user.is_staff
    assert not user.groups.exists()


def test_the_group_is_made_again_if_someone_deleted_it():
    Group.objects.filter(name=HEAD_OFFICE_GROUP).delete()
    user = user_apply_role(user=UserFactory(role=Role.HEAD_OFFICE))
    group = user.groups.get()
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == (
        head_office_permission_codenames()
    )
