"""An import with a real broker and worker: the worker's beat sweeps the outbox, previews the stored
upload, and after the confirm imports it; the job's row shows each step and the rows are stored once."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection

from stores.import_jobs import import_confirm, import_start
from stores.models import ImportJob, Store

from ..factories import RegionFactory
from ..processes import celery_worker, wait_for
from .files import STORE_COLUMNS, csv_text, store_rows

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

N = 40
# A worker's start (Django, Celery, its beat) on a busy machine, then a sweep and the run.
WITHIN = 90


@pytest.fixture(autouse=True)
def needs_broker_and_postgres():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker: set CELERY_BROKER_URL (CI uses redis://127.0.0.1:6379/0)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test: PostgreSQL")


@pytest.fixture
def worker(tmp_path, settings):
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_KICK = False  # the sweep alone does the work
    env = {"OASIS_OUTBOX_INLINE": "0", "OASIS_OUTBOX_SWEEP_SECONDS": "1"}
    process = celery_worker(f"test-{uuid.uuid4().hex[:12]}", beat_schedule=tmp_path / "beat", env=env).start()
    yield process
    process.stop()


def state(job: ImportJob) -> str:
    job.refresh_from_db()
    return job.state


def test_a_worker_previews_and_imports_an_upload_once(worker, head_office):
    regions = [RegionFactory(code=code).code for code in ("north", "south")]
    text = csv_text(STORE_COLUMNS, store_rows(N, regions))

    job = import_start(model="store", file_format="csv", data=text.encode(), file_name="s.csv", user=head_office)
    wait_for(lambda: state(job) == ImportJob.State.PREVIEWED, timeout=WITHIN, what="the preview")
    assert (job.rows_done, job.totals["new"], job.row_errors) == (N, N, [])
    assert not Store.objects.exists()

    assert import_confirm(job=job)
    wait_for(lambda: state(job) == ImportJob.State.DONE, timeout=WITHIN, what="the import")
    assert Store.objects.count() == N
    assert not import_confirm(job=job)  # once
