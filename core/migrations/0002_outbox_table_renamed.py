"""The outbox table takes core's name (a rename: pending rows stay), and its admin permissions and
log entries follow it to core (their content type is moved rather than recreated)."""

from django.db import migrations


def content_type_to_core(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="outboxitem").exists():
        ContentType.objects.filter(app_label="observations", model="outboxitem").update(app_label="core")


def content_type_to_observations(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="observations", model="outboxitem").exists():
        ContentType.objects.filter(app_label="core", model="outboxitem").update(app_label="observations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_outbox_from_observations"),
        ("observations", "0016_outbox_to_core"),
    ]

    operations = [
        migrations.AlterModelTable(name="outboxitem", table=None),
        migrations.RunPython(content_type_to_core, content_type_to_observations),
    ]
