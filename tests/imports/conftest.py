from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import outbox

from ..factories import RegionFactory


@pytest.fixture
def regions(db):
    return [RegionFactory(code=code, name=code.title()) for code in ("north", "south", "east")]


class AdminImport:
    """Head office's two steps in the admin: upload (a preview, nothing written), then confirm.
    Each step is background work: after it, the outbox is run as a worker would (without a broker
    it has run inline already) and the job's page is read."""

    def __init__(self, client, model: str):
        self.client = client
        self.model = model

    def preview(self, text: str | bytes, name: str = "file.csv", file_format: str = "0"):
        content = text.encode() if isinstance(text, str) else text
        upload = SimpleUploadedFile(name, content)
        response = self.client.post(
            reverse(f"admin:stores_{self.model}_import"), {"import_file": upload, "format": file_format}
        )
        if response.status_code != 302:  # the upload itself refused: the form says why
            return response
        outbox.run()
        return self.client.get(response["Location"])

    def confirm(self, preview):
        assert preview.context["can_confirm"], "the preview offers no confirm: it refused rows"
        response = self.client.post(self.job_url(preview.context["job"]))
        outbox.run()
        return response

    def job_url(self, job) -> str:
        return reverse(f"admin:stores_{self.model}_import_job", args=[job.pk])


@pytest.fixture
def admin_import(client, head_office):
    client.force_login(head_office)

    def start(model: str) -> AdminImport:
        return AdminImport(client, model)

    return start
