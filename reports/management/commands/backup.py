from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and every photo file from one snapshot, with a "
        "manifest (rows per table, report figures, photo checksums) that verify_backup checks a restore against."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new or empty folder")

    def handle(self, *args, directory: Path, **options):
        try:
            manifest = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables, "
                f"{len(manifest['reports'])} report weeks and {len(manifest['photos'])} photos to {directory}."
            )
        )
