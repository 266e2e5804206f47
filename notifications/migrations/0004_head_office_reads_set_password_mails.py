"""Head office reads the set-password e-mails sent and failing (the admin's "E-mails and alerts")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ("notifications", "setpasswordmail"): ("view",),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("notifications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="head_office")
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            for (app_label, model), actions in PERMISSIONS.items()
            for action in actions
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name="head_office").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="notifications", codename="view_setpasswordmail")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_claim_then_send_and_set_password_mail"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
