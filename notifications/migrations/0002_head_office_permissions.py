"""Head office reads the e-mails and alerts sent and failing (the admin's "E-mails and alerts")."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ('notifications', 'reportdelivery'): ('view',),
    ('notifications', 'visitalert'): ('view',),
}


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
