"""Head office manages webhook endpoints and reads (and replays) their deliveries (the head_office group)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ("webhooks", "endpoint"): ("add", "change", "delete", "view"),
    ("webhooks", "delivery"): ("change", "view"),
    ("webhooks", "event"): ("view",),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("webhooks")
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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="webhooks"))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_endpoints_events_deliveries"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
