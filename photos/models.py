"""Photos attached to a visit as evidence (a receipt proves the visit happened).

The file lives in the photo storage (the local file system by default, an S3-compatible bucket by
setting, see `photos.storage`); the row keeps what a replay and the retention sweep need.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from observations.models import Visit

from .storage import photo_storage


def photo_path(photo: Photo, filename: str) -> str:
    return f"photos/{photo.visit_id}/{photo.id}.jpg"


class Photo(models.Model):
    # Chosen by the phone, like a visit's id: uploading the same photo again stores nothing new.
    id = models.UUIDField(primary_key=True)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    image = models.FileField(_("image"), upload_to=photo_path, storage=photo_storage)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    # sha256 of the bytes the phone sent: a replay with the same bytes is the same photo.
    upload_hash = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["visit", "created_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(condition=Q(size_bytes__gt=0), name="photo_not_empty"),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="photo_has_pixels"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} / {self.id}"
