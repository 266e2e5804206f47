"""Backups that restore: `backup` writes a pg_dump, the photo files and a manifest from one snapshot;
`verify_backup` restores into a scratch database, recomputes the reports there from the restored
visits and finds them, every table's rows and every photo as they were, and says what differs."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from photos.services import photo_attach
from reports.models import StoreWeekRollup

from ..factories import submit_visit
from ..photos.conftest import jpeg

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("backups are made with pg_dump and restored with pg_restore: PostgreSQL")


@pytest.fixture
def recorded(settings, tmp_path, shopper, store, other_store):
    """A few weeks of visits in two regions, and a photo."""
    settings.MEDIA_ROOT = tmp_path / "media"
    visits = [submit_visit(observer=shopper, store=store, minutes=20 + n) for n in range(3)]
    photo_attach(uploader=shopper, visit=visits[0], photo_id=uuid.uuid4(), data=jpeg())
    return visits


def backup_of(tmp_path: Path) -> Path:
    target = tmp_path / "backup"
    call_command("backup", str(target))
    return target


def verify(target: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_backup", str(target), stdout=out, stderr=out)
    return out.getvalue()


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{connection.settings_dict['NAME']}_verify_%"]
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_backup_restores_with_every_table_report_and_photo_as_it_was(recorded, tmp_path):
    target = backup_of(tmp_path)
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["tables"]["observations_visit"] == 3
    assert manifest["tables"]["photos_photo"] == 1
    assert any(key.startswith("store:ber-mitte:") for key in manifest["reports"])
    assert any(key.startswith("region:north:") for key in manifest["reports"])
    assert len(manifest["photos"]) == 1

    assert "restores: every table, report figure and photo matches" in verify(target)
    assert scratch_databases() == []  # dropped afterwards


def test_verification_recomputes_the_reports_instead_of_copying_them(recorded, tmp_path):
    """Rollups that had drifted from the visits at backup time are found: the restore's reports are
    recomputed from the restored visits."""
    StoreWeekRollup.objects.filter(n_visits__gt=0).update(soi_sum=1.0)
    target = backup_of(tmp_path)
    with pytest.raises(CommandError, match="differs from its backup"):
        verify(target)
    assert scratch_databases() == []


def test_a_missing_or_changed_photo_fails_the_verification(recorded, tmp_path):
    target = backup_of(tmp_path)
    (name,) = json.loads((target / "manifest.json").read_text())["photos"]
    (target / "photos" / name).write_bytes(b"not the photo")
    with pytest.raises(CommandError, match="differs from its backup in 1 place"):
        verify(target)
    (target / "photos" / name).unlink()
    with pytest.raises(CommandError, match="differs from its backup in 1 place"):
        verify(target)


def test_a_table_that_did_not_restore_fails_the_verification(recorded, tmp_path):
    target = backup_of(tmp_path)
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["tables"]["observations_interaction"] += 1  # as if a row had been lost on the way
    (target / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="differs from its backup in 1 place"):
        verify(target)
