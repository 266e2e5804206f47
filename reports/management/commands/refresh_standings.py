from __future__ import annotations

from django.core.management.base import BaseCommand

from reports import standings


class Command(BaseCommand):
    help = (
        "Recompute the league statistics (shrinkage constant) of the last WEEKS weeks whose rollups changed "
        "since they were computed; the beat does this every quarter hour for the last 13 weeks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=standings.REFRESH_WEEKS, help="how many weeks back")

    def handle(self, *args, weeks: int, **options):
        done = standings.refresh_stale(weeks=weeks)
        self.stdout.write(self.style.SUCCESS(f"Recomputed the standings of {done} week(s)."))
