"""Region-week rollups for the weeks already rolled up per store (the reports read them from now on)."""

from django.db import migrations


def fill(apps, schema_editor):
    # The live recompute: the one that keeps these rows current afterwards (no second copy of it here).
    from reports.rollups import rebuild_all_regions

    rebuild_all_regions()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("observations", "0014_rollup_covering_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
