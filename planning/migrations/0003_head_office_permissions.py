"""Head office reads waves, assignments and declines, and sets each shopper's weekly capacity, in the admin."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ('planning', 'wave'): ('view',),
    ('planning', 'assignment'): ('view',),
    ('planning', 'assignmentdecline'): ('view',),
    ('planning', 'shoppercapacity'): ('add', 'change', 'delete', 'view'),
}


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_followup"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
