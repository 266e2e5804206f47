"""The photos a person uploaded: listed in their download (not the pictures themselves), deleted
with their files on erasure."""

from __future__ import annotations

from core.personal_data import holder
from stores.models import User

from .models import Photo


def photos(user: User) -> list[dict]:
    return [
        {
            "id": str(photo.pk),
            "visit": str(photo.visit_id),
            "uploaded_at": photo.created_at.isoformat(),
            "width": photo.width,
            "height": photo.height,
            "size_bytes": photo.size_bytes,
        }
        for photo in Photo.objects.filter(uploaded_by=user).order_by("created_at")
    ]


def erase_photos(user: User) -> int:
    deleted = 0
    for photo in Photo.objects.filter(uploaded_by=user).iterator():
        # The file first: a row without its file would be shown as broken, a file without a row never.
        photo.image.storage.delete(photo.image.name)
        photo.delete()
        deleted += 1
    return deleted


def register() -> None:
    holder("photos", export=photos, erase=erase_photos, covers=("photos.Photo.uploaded_by",))
