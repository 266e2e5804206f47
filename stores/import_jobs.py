"""The admin's bulk set-up as background work: the upload is checked against the bounds
(stores.imports) and stored as an `ImportJob`, and its preview (a dry run) and, once confirmed, its
import are done by a worker through the outbox, so no web request waits for a file's rows.

Each run is one transaction (the outbox's claiming one): a file with a refused row still writes
nothing and a code twice in the file is still found, for 20 rows or 2000. The rows done while a run
is under way cannot be read from the job row (its transaction has not committed), so the run also
writes them to the cache, which the progress page reads; the job row has them once the run commits.
Without a broker the outbox runs the work inline, so the same path serves the SQLite demo.

A run that raises (a fault of the server, not of the file: refused rows are the preview's result) is
rolled back whole and tried again with the outbox's backoff; after ATTEMPTS failed attempts the job
is marked failed, with the reason on its page in the uploader's language, the file is dropped and
the outbox stops trying.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import outbox

from .imports import BoundedCSV, BoundedXLSX, ImportRefused
from .models import ImportJob
from .resources import StoreResource, UserResource

KIND = "stores_import"
FORMATS = {"csv": BoundedCSV, "xlsx": BoundedXLSX}
RESOURCES = {"store": StoreResource, "user": UserResource}
PROGRESS_EVERY = 25  # rows between two progress writes
# Failed runs of a preview or an import before its job is marked failed (the outbox's backoff in
# between: 5, 10, 20 and 40 s with the default sweep, so a fault that lasts over a minute and a half).
ATTEMPTS = 5


def progress_key(job_id) -> str:
    return f"stores:import-job:{job_id}:rows-done"


def rows_done(job: ImportJob) -> int:
    """How many rows the run under way has done (the job row's figure once it has committed)."""
    if job.state in (ImportJob.State.PREVIEWING, ImportJob.State.IMPORTING):
        return max(job.rows_done, cache.get(progress_key(job.pk)) or 0)
    return job.rows_done


@transaction.atomic
def import_start(*, model: str, file_format: str, data: bytes, file_name: str, user) -> ImportJob:
    """Store an upload and have its preview made. The bounds are checked first: a file beyond them
    (or with no rows) raises stores.imports.ImportRefused, one that cannot be read the parser's
    error, and nothing is stored."""
    dataset = FORMATS[file_format]().create_dataset(data)
    if not len(dataset):
        raise ImportRefused(_("The file has no rows to import."))
    job = ImportJob.objects.create(
        model=model,
        file_format=file_format,
        file_name=file_name[:255],
        data=data,
        started_by=user,
        language=translation.get_language() or "",
        rows_total=len(dataset),
    )
    outbox.record(outbox.Work(KIND, str(job.pk), {"job": str(job.pk), "dry_run": True}))
    return job


@transaction.atomic
def import_confirm(*, job: ImportJob) -> bool:
    """Have a previewed file with no refused row imported; False when it cannot be."""
    updated = ImportJob.objects.filter(
        pk=job.pk, state=ImportJob.State.PREVIEWED, totals__error=0, totals__invalid=0, error=""
    ).update(state=ImportJob.State.IMPORTING, rows_done=0)
    if updated:
        outbox.record(outbox.Work(KIND, str(job.pk), {"job": str(job.pk), "dry_run": False}))
    return bool(updated)


class _Progress:
    """Counts the rows of a run and writes the count to the cache every PROGRESS_EVERY rows."""

    def __init__(self, job_id) -> None:
        self.key = progress_key(job_id)
        self.done = 0
        cache.set(self.key, 0, timeout=3600)

    def row(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            cache.set(self.key, self.done, timeout=3600)


def _resource(model: str, progress: _Progress):
    base = RESOURCES[model]

    class Counted(base):
        def import_row(self, row, instance_loader, **kwargs):
            try:
                return super().import_row(row, instance_loader, **kwargs)
            finally:
                progress.row()

    return Counted()


def _row_errors(result) -> list[dict]:
    refused = [
        {"row": row.number, "errors": {field: [str(m) for m in messages] for field, messages in row.error_dict.items()}}
        for row in result.invalid_rows
    ]
    refused += [
        {"row": number, "errors": {"": [str(e.error) for e in errors]}} for number, errors in result.row_errors()
    ]
    return sorted(refused, key=lambda item: item["row"])


def import_gave_up(payload: dict, attempts: int, error: str) -> None:
    """After the last failed attempt: the job is failed, saying why on its page; the file is
    dropped (it names people; the page asks for it again). Nothing of the runs was kept."""
    running = (ImportJob.State.PREVIEWING, ImportJob.State.IMPORTING)
    job = ImportJob.objects.select_for_update().filter(pk=uuid.UUID(payload["job"]), state__in=running).first()
    if job is None:
        return
    with translation.override(job.language or None):
        job.error = ngettext(
            "This file could not be worked on: it failed %(attempts)d time because of an error on the "
            "server, not in the file. Nothing was imported. Upload the file again; if it fails again, "
            "tell the operator.",
            "This file could not be worked on: it failed %(attempts)d times because of an error on the "
            "server, not in the file. Nothing was imported. Upload the file again; if it fails again, "
            "tell the operator.",
            attempts,
        ) % {"attempts": attempts}
    job.state = ImportJob.State.FAILED
    job.data = b""
    job.finished_at = timezone.now()
    job.save(update_fields=["error", "state", "data", "finished_at"])
    cache.delete(progress_key(job.pk))


@outbox.handler(KIND, attempts=ATTEMPTS, gave_up=import_gave_up)
def import_run(payload: dict) -> None:
    """The preview (dry_run) or the import of one job; safe to run twice (a run that finds the job
    past its state does nothing)."""
    dry_run = payload["dry_run"]
    wanted = ImportJob.State.PREVIEWING if dry_run else ImportJob.State.IMPORTING
    job = ImportJob.objects.select_for_update().filter(pk=uuid.UUID(payload["job"]), state=wanted).first()
    if job is None:
        return
    progress = _Progress(job.pk)
    with translation.override(job.language or None):  # the refusals in the uploader's language
        dataset = FORMATS[job.file_format]().create_dataset(bytes(job.data))
        result = _resource(job.model, progress).import_data(dataset, dry_run=dry_run, raise_errors=False)
        row_errors = _row_errors(result)
    job.rows_total = len(dataset)
    job.rows_done = progress.done
    job.totals = {**dict(result.totals), "invalid": len(result.invalid_rows)}
    job.row_errors = row_errors
    job.error = "\n".join(str(error.error) for error in result.base_errors)
    if dry_run:
        job.state = ImportJob.State.PREVIEWED
    else:
        job.state = ImportJob.State.FAILED if job.error or job.row_errors else ImportJob.State.DONE
        job.data = b""  # the file names people: kept no longer than needed
        job.finished_at = timezone.now()
    job.save()
    cache.delete(progress.key)
