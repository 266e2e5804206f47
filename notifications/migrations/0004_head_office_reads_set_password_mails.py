"""Head office reads the set-password e-mails sent and failing (the admin's "E-mails and alerts")."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ("notifications", "setpasswordmail"): ("view",),
}


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_claim_then_send_and_set_password_mail"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
