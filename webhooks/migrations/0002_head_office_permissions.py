"""Head office manages webhook endpoints and reads (and replays) their deliveries (the head_office group)."""

from django.db import migrations

from core.migration_ops import grant_to_head_office

# Frozen here; tests/stores/test_roles.py checks that the migrations together grant what
# stores.roles.HEAD_OFFICE_PERMISSIONS says.
PERMISSIONS = {
    ("webhooks", "endpoint"): ("add", "change", "delete", "view"),
    ("webhooks", "delivery"): ("change", "view"),
    ("webhooks", "event"): ("view",),
}


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_endpoints_events_deliveries"),
        ("stores", "0003_head_office_group"),
    ]

    operations = [grant_to_head_office(PERMISSIONS)]
