"""The outbox belongs to core now (core 0001 takes over the model, its table untouched)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("observations", "0015_decision_keeps_reviewed_text"),
        ("core", "0001_outbox_from_observations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxItem")],
            database_operations=[],
        ),
    ]
