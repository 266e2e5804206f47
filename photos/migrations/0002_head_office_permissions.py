"""Head office sees visits' photos in the admin."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ('photos', 'photo'): ('view',),
}


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0001_initial"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
