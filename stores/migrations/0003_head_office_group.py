"""The head_office group: the permissions that make the head office role, and its members."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here (a migration must not change with the code); tests/stores/test_roles.py checks that
# it still equals stores.roles.HEAD_OFFICE_PERMISSIONS.
PERMISSIONS = {
    ("stores", "region"): ("add", "change", "view"),
    ("stores", "store"): ("add", "change", "view"),
    ("stores", "user"): ("add", "change", "view"),
    ("observations", "rubric"): ("add", "change", "view"),
    ("observations", "visit"): ("change", "view"),
    ("observations", "interaction"): ("change", "view"),
}


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so the group can hold them.
    for label in ("stores", "observations"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("stores", "User")
    group, _ = Group.objects.get_or_create(name="head_office")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for (app_label, model), actions in PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.set(permissions)
    for user in User.objects.filter(role="head_office", is_active=True):
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="head_office").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stores", "0002_store_history"),
        ("observations", "0007_audit_trail_without_unread_indexes"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
