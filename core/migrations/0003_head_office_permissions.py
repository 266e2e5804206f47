"""Head office reads the follow-up work waiting or failing (the admin's "Follow-up work (outbox)")."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ('core', 'outboxitem'): ('view',),
}


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox_table_renamed"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
