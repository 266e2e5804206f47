"""The store-week rollup's table takes reports' name (a rename: every row stays), and its content
type follows it to reports, so admin permissions and log entries are kept."""

from django.db import migrations


def content_type_to_reports(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="reports", model="storeweekrollup").exists():
        ContentType.objects.filter(app_label="observations", model="storeweekrollup").update(app_label="reports")


def content_type_to_observations(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="observations", model="storeweekrollup").exists():
        ContentType.objects.filter(app_label="reports", model="storeweekrollup").update(app_label="observations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0003_storeweekrollup"),
        ("observations", "0017_delete_storeweekrollup"),
    ]

    operations = [
        migrations.AlterModelTable(name="storeweekrollup", table=None),
        migrations.RunPython(content_type_to_reports, content_type_to_observations),
    ]
