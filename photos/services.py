"""Writes of photos: attaching one to a visit (idempotent by the photo's id) and the retention sweep."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from observations.models import Visit
from stores.models import User

from .models import Photo

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 1600  # the phone downscales to this; larger images are refused
MAX_PER_VISIT = 10


class PhotoInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class PhotoTooLarge(Exception):
    pass


class PhotoConflict(Exception):
    """The photo id is taken by other bytes, another visit or another user."""


@dataclass
class AttachResult:
    photo: Photo
    created: bool


def _reencoded(data: bytes) -> tuple[bytes, int, int]:
    """The image's pixels, and nothing else, encoded as a new JPEG, and its size.

    Only the decoded pixels are carried over into a fresh image: whatever the upload carried
    besides them (EXIF, XMP, a JPEG comment, PNG text chunks, an ICC profile) stays behind, because
    the encoder writes what the new image holds and Pillow copies an opened image's `info` (its
    comment among it) into what it saves from it. Raises PhotoInvalid for anything that is not a
    JPEG, PNG or WebP image within MAX_SIDE."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if kind not in ACCEPTED_FORMATS:
                raise PhotoInvalid({"image": _("must be a JPEG, PNG or WebP image.")})
            if max(image.size) > MAX_SIDE:
                raise PhotoInvalid(
                    {"image": _("must be at most %(max)d pixels on its longest side.") % {"max": MAX_SIDE}}
                )
            pixels = image.convert("RGB")
            bare = Image.frombytes("RGB", pixels.size, pixels.tobytes())
            out = io.BytesIO()
            bare.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), image.size[0], image.size[1]
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise PhotoInvalid({"image": _("must be a JPEG, PNG or WebP image.")}) from None


def photo_attach(*, uploader: User, visit: Visit, photo_id: uuid.UUID, data: bytes) -> AttachResult:
    """Store one photo of a visit, exactly once: the same id with the same bytes again answers the
    stored photo (created=False); the same id with other bytes, another visit or another uploader
    raises PhotoConflict. Raises PhotoTooLarge or PhotoInvalid for what the server will not keep."""
    if len(data) > settings.OASIS_PHOTO_MAX_BYTES:
        raise PhotoTooLarge()
    if not data:
        raise PhotoInvalid({"image": _("is required.")})
    upload_hash = hashlib.sha256(data).hexdigest()
    stored = Photo.objects.filter(pk=photo_id).first()
    if stored is not None:
        return _replay(stored, uploader=uploader, visit=visit, upload_hash=upload_hash)
    jpeg, width, height = _reencoded(data)  # the slow part, before any lock is taken
    photo = Photo(
        id=photo_id,
        visit=visit,
        uploaded_by=uploader,
        upload_hash=upload_hash,
        size_bytes=len(jpeg),
        width=width,
        height=height,
    )
    photo.image.save(f"{photo_id}.jpg", ContentFile(jpeg), save=False)
    try:
        with transaction.atomic():
            # The visit's row lock makes the count and the insert one step: parallel uploads of one
            # visit queue here, so the cap holds however many arrive at once.
            Visit.objects.select_for_update().filter(pk=visit.pk).values_list("pk", flat=True).get()
            stored = Photo.objects.filter(pk=photo_id).first()
            if stored is None:
                if Photo.objects.filter(visit=visit).count() >= MAX_PER_VISIT:
                    raise PhotoInvalid({"image": _("A visit holds at most %(max)d photos.") % {"max": MAX_PER_VISIT}})
                photo.save(force_insert=True)
    except PhotoInvalid:
        photo.image.storage.delete(photo.image.name)
        raise
    except IntegrityError:
        # The same id stored meanwhile for another visit (whose lock this upload did not wait for).
        stored = Photo.objects.filter(pk=photo_id).first()
        if stored is None:
            photo.image.storage.delete(photo.image.name)
            raise
    if stored is not None:
        photo.image.storage.delete(photo.image.name)
        return _replay(stored, uploader=uploader, visit=visit, upload_hash=upload_hash)
    return AttachResult(photo=photo, created=True)


def _replay(stored: Photo, *, uploader: User, visit: Visit, upload_hash: str) -> AttachResult:
    if stored.uploaded_by_id != uploader.pk or stored.visit_id != visit.pk or stored.upload_hash != upload_hash:
        raise PhotoConflict()
    return AttachResult(photo=stored, created=False)


def photos_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the photos (files and rows) uploaded more than OASIS_PHOTO_RETENTION_DAYS ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.OASIS_PHOTO_RETENTION_DAYS)
    deleted = 0
    for photo in Photo.objects.filter(created_at__lt=cutoff).iterator():
        # The file first: a row without its file would be shown as broken, a file without a row never.
        photo.image.storage.delete(photo.image.name)
        photo.delete()
        deleted += 1
    return deleted
