from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from reports.backup import report_figures, table_counts
from reports.rollups import rebuild_all


class Command(BaseCommand):
    help = (
        "Used by verify_backup on the scratch database: print the rows per table as restored, recompute "
        "every rollup from the visits and print the report figures, as JSON. Do not run it on the live database (it rebuilds every rollup)."
    )

    def handle(self, *args, **options):
        tables = table_counts()  # as restored, before the rebuild writes rollups
        rebuild_all()
        self.stdout.write(json.dumps({"tables": tables, "reports": report_figures()}, default=str, sort_keys=True))
