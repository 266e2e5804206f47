from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..factories import RegionFactory


@pytest.fixture
def regions(db):
    return [RegionFactory(code=code, name=code.title()) for code in ("north", "south", "east")]


class AdminImport:
    """Head office's two steps in the admin: upload (a preview, nothing written), then confirm."""

    def __init__(self, client, model: str):
        self.client = client
        self.model = model

    def preview(self, text: str | bytes, name: str = "file.csv", file_format: str = "0"):
        content = text.encode() if isinstance(text, str) else text
        upload = SimpleUploadedFile(name, content)
        return self.client.post(
            reverse(f"admin:stores_{self.model}_import"), {"import_file": upload, "format": file_format}
        )

    def confirm(self, preview):
        form = preview.context["confirm_form"]
        assert form is not None, "the preview offers no confirm: it refused rows"
        return self.client.post(reverse(f"admin:stores_{self.model}_process_import"), form.initial)


@pytest.fixture
def admin_import(client, head_office):
    client.force_login(head_office)

    def start(model: str) -> AdminImport:
        return AdminImport(client, model)

    return start
