"""What several apps' migrations do alike: give the head-office group the permissions on an app's
models that head office needs in the admin (`stores.roles.HEAD_OFFICE_PERMISSIONS` says which;
tests/stores/test_roles.py checks that the migrations together grant exactly that).

Each migration freezes its own list and calls `grant_to_head_office`; the operation is a
RunPython of `functools.partial`s of the functions below, so a migration stays serialisable (a
squash can write it out) and works on the historical models only."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.management import create_permissions
from django.db import migrations

HEAD_OFFICE_GROUP = "head_office"

Permissions = dict[tuple[str, str], tuple[str, ...]]  # (app label, model) -> actions


def _codenames(permissions: Permissions) -> list[tuple[str, str]]:
    return [
        (app_label, f"{action}_{model}") for (app_label, model), actions in permissions.items() for action in actions
    ]


def grant(permissions: Permissions, apps, schema_editor) -> None:
    """Adds the permissions to the group (made if missing). Django creates an app's permissions
    only after every migration has run, so they are created here first for the apps named."""
    for app_label in sorted({app_label for app_label, _model in permissions}):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=HEAD_OFFICE_GROUP)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in _codenames(permissions)
        )
    )


def revoke(permissions: Permissions, apps, schema_editor) -> None:
    """Takes exactly these permissions back (a migration run backwards)."""
    group = apps.get_model("auth", "Group").objects.filter(name=HEAD_OFFICE_GROUP).first()
    if group is None:
        return
    Permission = apps.get_model("auth", "Permission")
    for app_label, codename in _codenames(permissions):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def grant_to_head_office(permissions: Permissions) -> migrations.RunPython:
    return migrations.RunPython(partial(grant, permissions), partial(revoke, permissions))
