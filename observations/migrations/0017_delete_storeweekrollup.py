"""The store-week rollup belongs to reports now (reports 0003 takes over the model, its table untouched)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("observations", "0016_outbox_to_core"),
        ("reports", "0003_storeweekrollup"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StoreWeekRollup")],
            database_operations=[],
        ),
    ]
