"""The outbox moves from observations to core: its model only (the table is the one observations
created in 0008_outbox and keeps every pending row); 0002 then renames the table."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The table exists from here on (on every database, new or old).
        ("observations", "0008_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=50, verbose_name="kind")),
                        ("key", models.CharField(max_length=200, verbose_name="key")),
                        ("payload", models.JSONField(default=dict, verbose_name="payload")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                        ("available_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="due at")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                    ],
                    options={
                        "verbose_name": "follow-up work (outbox)",
                        "verbose_name_plural": "follow-up work (outbox)",
                        "ordering": ["id"],
                        "db_table": "observations_outboxitem",
                        "indexes": [models.Index(fields=["kind", "key"], name="outbox_kind_key")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", ""), _negated=True), models.Q(("key", ""), _negated=True)
                                ),
                                name="outbox_kind_and_key_given",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
