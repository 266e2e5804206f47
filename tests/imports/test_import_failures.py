"""An import whose run keeps failing (a fault of the server, not of the file) is tried a few times
with the outbox's backoff, then marked failed with the reason on its page, in the uploader's
language; nothing of it is stored, the outbox stops trying and the operator's metrics count it. A
failure that passes is tried again and the file imported once."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from core import outbox
from core.models import OutboxItem
from stores import import_jobs
from stores.models import ImportJob, Store

from .files import STORE_COLUMNS, csv_text, store_rows
from .test_background_import import upload

pytestmark = pytest.mark.django_db

N = 12
ENGLISH = "it failed 5 times because of an error on the server, not in the file. Nothing was imported."
GERMAN = "5-mal wegen eines Fehlers auf dem Server"


@pytest.fixture
def by_a_worker(settings):
    """Work waits in the outbox for a worker (here: outbox.run()); a failed run is due again at once,
    so that each outbox.run() is one attempt."""
    settings.OASIS_OUTBOX_INLINE = False
    settings.OASIS_OUTBOX_SWEEP_SECONDS = 0


def counted(name: str) -> float:
    return REGISTRY.get_sample_value(name, {"kind": import_jobs.KIND}) or 0.0


def crashing(monkeypatch, times: int | None = None):
    """The run crashes after every row is written (in its transaction) when it sums them up: each
    time, or the first `times` times."""
    calls = []
    original = import_jobs._row_errors

    def crash(result):
        calls.append(1)
        if times is None or len(calls) <= times:
            raise RuntimeError("worker lost its database connection")
        return original(result)

    monkeypatch.setattr(import_jobs, "_row_errors", crash)
    return calls


def test_an_import_that_crashes_every_time_ends_failed_after_its_attempts_with_nothing_stored(
    admin_import, regions, client, by_a_worker, monkeypatch
):
    admin_import("store")
    response = upload(client, csv_text(STORE_COLUMNS, store_rows(N, [r.code for r in regions])))
    outbox.run()
    assert client.post(response["Location"]).status_code == 302  # confirmed
    failed_before, given_up_before = (
        counted("oasis_outbox_attempts_failed_total"),
        counted("oasis_outbox_given_up_total"),
    )
    crashes = crashing(monkeypatch)

    for attempt in range(1, import_jobs.ATTEMPTS):
        outbox.run()
        item = OutboxItem.objects.get(kind=import_jobs.KIND)
        assert (item.attempts, item.last_error) == (attempt, "RuntimeError: worker lost its database connection")
        assert ImportJob.objects.get().state == ImportJob.State.IMPORTING
        assert not Store.objects.exists()  # each failed run is rolled back whole
    outbox.run()

    job = ImportJob.objects.get()
    assert (job.state, bytes(job.data)) == (ImportJob.State.FAILED, b"")
    assert job.finished_at is not None
    assert not Store.objects.exists()
    assert not OutboxItem.objects.filter(kind=import_jobs.KIND).exists()
    assert outbox.run() == 0 and len(crashes) == import_jobs.ATTEMPTS  # no further attempt
    page = client.get(response["Location"])
    assert not page.context["running"] and not page.context["can_confirm"]
    content = page.content.decode()
    assert ENGLISH in content and 'http-equiv="refresh"' not in content
    assert counted("oasis_outbox_attempts_failed_total") == failed_before + import_jobs.ATTEMPTS
    assert counted("oasis_outbox_given_up_total") == given_up_before + 1


def test_a_preview_that_crashes_every_time_says_so_in_german_to_a_german_uploader(
    admin_import, regions, client, by_a_worker, monkeypatch
):
    admin_import("store")
    crashing(monkeypatch)
    response = upload(
        client, csv_text(STORE_COLUMNS, store_rows(N, [r.code for r in regions])), HTTP_ACCEPT_LANGUAGE="de"
    )
    for _attempt in range(import_jobs.ATTEMPTS):
        outbox.run()

    assert ImportJob.objects.get().state == ImportJob.State.FAILED
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de")
    content = page.content.decode()
    assert GERMAN in content and "Es wurde nichts importiert." in content
    assert not page.context["can_confirm"]
    assert not OutboxItem.objects.filter(kind=import_jobs.KIND).exists()


def test_an_import_that_crashes_once_is_tried_again_and_imports_the_rows_once(
    admin_import, regions, client, by_a_worker, monkeypatch
):
    admin_import("store")
    response = upload(client, csv_text(STORE_COLUMNS, store_rows(N, [r.code for r in regions])))
    outbox.run()
    assert client.post(response["Location"]).status_code == 302
    crashing(monkeypatch, times=1)

    outbox.run()
    assert OutboxItem.objects.get(kind=import_jobs.KIND).attempts == 1
    assert not Store.objects.exists()
    outbox.run()

    job = ImportJob.objects.get()
    assert (job.state, job.error, job.totals["new"]) == (ImportJob.State.DONE, "", N)
    assert Store.objects.count() == N
    assert not OutboxItem.objects.filter(kind=import_jobs.KIND).exists()
    assert outbox.run() == 0 and Store.objects.count() == N
