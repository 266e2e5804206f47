from __future__ import annotations

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.backup import BackupError, verify


class Command(BaseCommand):
    help = (
        "Restore a backup into a scratch database on the same server, recompute every report there from the "
        "restored visits, and compare rows per table, report figures and photos with the backup's manifest. "
        "The scratch database is dropped afterwards. Exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a folder written by manage.py backup")
        parser.add_argument("--scratch-name", help="name of the scratch database (default: a new random name)")

    def handle(self, *args, directory: Path, scratch_name: str | None = None, **options):
        name = scratch_name or f"{connection.settings_dict['NAME']}_verify_{uuid.uuid4().hex[:8]}"
        try:
            found = verify(directory, scratch_name=name)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if found:
            for difference in found:
                self.stderr.write(difference)
            raise CommandError(f"The restore of {directory} differs from its backup in {len(found)} place(s).")
        self.stdout.write(self.style.SUCCESS(f"{directory} restores: every table, report figure and photo matches."))
