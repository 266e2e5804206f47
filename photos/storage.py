"""Where photo files go: a storage chosen by setting (OASIS_PHOTO_STORAGE).

`local` (the default) is Django's FileSystemStorage under MEDIA_ROOT; `s3` is django-storages'
S3Storage, configured by its own AWS_* settings (bucket, endpoint for S3-compatible services,
region; credentials from the usual AWS environment). Files are never served directly: the API
streams them to those allowed to see them (supervisors and head office)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.utils.module_loading import import_string

BACKENDS = {
    "local": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
}


def photo_storage() -> Storage:
    return import_string(BACKENDS[settings.OASIS_PHOTO_STORAGE])()
