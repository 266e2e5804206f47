"""An import is background work: the upload is stored and a worker previews it, and after the
confirm imports it, while the job's page shows how far it is and then the result."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import outbox
from core.models import OutboxItem
from stores import import_jobs
from stores.models import ImportJob, Store

from .files import STORE_COLUMNS, csv_text, store_rows

pytestmark = pytest.mark.django_db

N = 30


def upload(client, text: str, **headers):
    return client.post(
        reverse("admin:stores_store_import"),
        {"import_file": SimpleUploadedFile("stores.csv", text.encode()), "format": "0"},
        **headers,
    )


def rows_shown(page) -> int:
    return int(re.search(r"(\d+) (?:of|von) \d+", page.content.decode()).group(1))


@pytest.fixture
def by_a_worker(settings):
    """Work waits in the outbox for a worker (here: outbox.run()), as with a broker."""
    settings.OASIS_OUTBOX_INLINE = False


def test_the_preview_and_the_import_are_background_work_and_the_rows_are_stored_once(
    admin_import, regions, client, by_a_worker
):
    admin_import("store")  # logged in as head office
    text = csv_text(STORE_COLUMNS, store_rows(N, [r.code for r in regions]))

    response = upload(client, text)
    assert response.status_code == 302
    waiting = client.get(response["Location"])
    assert waiting.context["running"] and rows_shown(waiting) == 0
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    assert OutboxItem.objects.filter(kind=import_jobs.KIND).count() == 1

    outbox.run()
    preview = client.get(response["Location"])
    assert not preview.context["running"] and preview.context["can_confirm"]
    assert preview.context["job"].totals["new"] == N
    assert 'http-equiv="refresh"' not in preview.content.decode()
    assert not Store.objects.exists()  # a preview writes nothing

    assert client.post(response["Location"]).status_code == 302
    assert client.get(response["Location"]).context["running"]
    assert not Store.objects.exists()  # not before a worker imports it

    outbox.run()
    job = ImportJob.objects.get()
    assert (job.state, job.rows_done, job.rows_total, bytes(job.data)) == (ImportJob.State.DONE, N, N, b"")
    assert Store.objects.count() == N

    again = client.post(response["Location"])  # a second confirm (a reload, a double click)
    assert again.status_code == 200 and "cannot be imported" in again.content.decode()
    outbox.run()
    assert Store.objects.count() == N
    assert not OutboxItem.objects.filter(kind=import_jobs.KIND).exists()


def test_the_page_shows_the_rows_done_moving_while_a_worker_previews(
    admin_import, regions, client, by_a_worker, monkeypatch
):
    admin_import("store")
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 10)
    response = upload(client, csv_text(STORE_COLUMNS, store_rows(N, [r.code for r in regions])))
    seen = []
    counted = import_jobs._Progress.row

    def row_and_look(progress):
        counted(progress)
        if progress.done % 10 == 0:
            seen.append(rows_shown(client.get(response["Location"])))

    monkeypatch.setattr(import_jobs._Progress, "row", row_and_look)
    outbox.run()

    assert seen == [10, 20, 30]
    assert ImportJob.objects.get().rows_done == N


def test_a_refused_row_is_shown_with_its_reason_in_german(admin_import, regions, client):
    admin_import("store")
    rows = store_rows(3, [r.code for r in regions])
    rows[1]["region"] = "atlantis"

    response = upload(client, csv_text(STORE_COLUMNS, rows), HTTP_ACCEPT_LANGUAGE="de")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de")

    content = page.content.decode()
    assert "Unbekannter Code für" in content and "„atlantis“" in content
    assert "1 Zeile wird abgelehnt" in content
    assert not page.context["can_confirm"]
    assert not Store.objects.exists()
