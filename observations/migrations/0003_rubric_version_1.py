from django.db import migrations


def create_version_1(apps, schema_editor):
    # Version 1 is the reference rubric of docs/product.md; the model's defaults are its values.
    Rubric = apps.get_model("observations", "Rubric")
    Rubric.objects.get_or_create(version=1)


def remove_version_1(apps, schema_editor):
    Rubric = apps.get_model("observations", "Rubric")
    Rubric.objects.filter(version=1, visits__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("observations", "0002_initial")]

    operations = [migrations.RunPython(create_version_1, remove_version_1)]
