"""Reports own the store-week rollup: its model moves here from observations, on the table observations
created (untouched, every row kept); 0004 then renames the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_fill_region_week_rollups'),
        ('stores', '0005_user_access_epoch'),
        # The table in its final form (covering index, rubric version), on every database.
        ('observations', '0014_rollup_covering_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='StoreWeekRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week_start', models.DateField(verbose_name='week (Monday)')),
                ('scope', models.CharField(choices=[('counted', 'Submitted and approved visits'), ('approved', 'Approved visits only')], max_length=10, verbose_name='scope')),
                ('n_visits', models.PositiveIntegerField(default=0, verbose_name='visits')),
                ('soi_sum', models.FloatField(default=0)),
                ('soi_sum_squares', models.FloatField(default=0)),
                ('greeting_sum', models.FloatField(default=0)),
                ('greeting_n', models.PositiveIntegerField(default=0)),
                ('smile_sum', models.FloatField(default=0)),
                ('smile_n', models.PositiveIntegerField(default=0)),
                ('hovering_sum', models.FloatField(default=0)),
                ('hovering_n', models.PositiveIntegerField(default=0)),
                ('response_sum', models.FloatField(default=0)),
                ('response_n', models.PositiveIntegerField(default=0)),
                ('n_interactions', models.PositiveIntegerField(default=0, verbose_name='interactions')),
                ('n_greeted', models.PositiveIntegerField(default=0)),
                ('n_smiling', models.PositiveIntegerField(default=0)),
                ('n_hovering', models.PositiveIntegerField(default=0)),
                ('rubric_version', models.PositiveIntegerField(default=0, verbose_name='rubric version')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('greeting_seconds', models.JSONField(default=list)),
                ('response_seconds', models.JSONField(default=list)),
                ('store', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='week_rollups', to='stores.store', verbose_name='store')),
            ],
            options={
                'verbose_name': 'store week rollup',
                'verbose_name_plural': 'store week rollups',
                'ordering': ['store', 'week_start', 'scope'],
                'db_table': 'observations_storeweekrollup',
                'indexes': [models.Index(fields=['scope', 'week_start', 'store'], include=('n_visits', 'soi_sum', 'soi_sum_squares', 'greeting_sum', 'greeting_n', 'smile_sum', 'smile_n', 'hovering_sum', 'hovering_n', 'response_sum', 'response_n', 'n_interactions', 'n_greeted', 'n_smiling', 'n_hovering', 'rubric_version'), name='rollup_scope_week')],
                'constraints': [models.UniqueConstraint(fields=('store', 'week_start', 'scope'), name='rollup_store_week_scope_unique'), models.CheckConstraint(condition=models.Q(('scope__in', ['counted', 'approved'])), name='rollup_scope_valid', violation_error_message='The scope must be all counted visits or approved visits only.')],
            },
        ),
            ],
        ),
    ]
