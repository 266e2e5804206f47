"""Head office edits the role mappings and reads the company identities (the head_office group)."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ("sso", "rolemapping"): ("add", "change", "delete", "view"),
    ("sso", "identity"): ("view",),
}


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_role_mappings_and_identities"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
