"""Uploading a visit's photo: checked with Pillow, stored once per photo id, never with metadata."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from photos.models import Photo

from ..api.conftest import as_user
from ..factories import UserFactory
from .conftest import jpeg

pytestmark = pytest.mark.django_db


def upload(user, visit, data: bytes, photo_id: str | None = None, name: str = "receipt.jpg"):
    photo_id = photo_id or str(uuid.uuid4())
    body = {"visit": str(visit.pk), "image": SimpleUploadedFile(name, data, content_type="image/jpeg")}
    return as_user(user).put(reverse("photo", args=[photo_id]), body, format="multipart"), photo_id


def test_a_photo_is_stored_re_encoded_without_exif_or_gps(shopper, visit):
    response, _photo_id = upload(shopper, visit, jpeg(gps=True))

    assert response.status_code == 201
    assert response.json()["width"] == 800
    photo = Photo.objects.get()
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}


def test_the_same_photo_id_twice_stores_one_photo(shopper, visit):
    data = jpeg()
    first, photo_id = upload(shopper, visit, data)
    again, _ = upload(shopper, visit, data, photo_id=photo_id)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == photo_id
    assert Photo.objects.count() == 1


def test_the_same_photo_id_with_other_bytes_is_a_conflict(shopper, visit):
    _, photo_id = upload(shopper, visit, jpeg())
    response, _ = upload(shopper, visit, jpeg(640, 480), photo_id=photo_id)
    assert response.status_code == 409
    assert Photo.objects.count() == 1


def test_something_that_is_not_an_image_is_a_400_naming_the_field(shopper, visit):
    response, _ = upload(shopper, visit, b"%PDF-1.4 not an image", name="receipt.pdf")
    assert response.status_code == 400
    assert response.json() == {"image": "must be a JPEG, PNG or WebP image."}


def test_an_image_larger_than_1600_px_is_a_400(shopper, visit):
    response, _ = upload(shopper, visit, jpeg(2000, 1000))
    assert response.status_code == 400
    assert response.json() == {"image": "must be at most 1600 pixels on its longest side."}


def test_a_photo_over_the_size_limit_is_a_413(shopper, visit, settings):
    settings.OASIS_PHOTO_MAX_BYTES = 1000
    response, _ = upload(shopper, visit, jpeg())
    assert response.status_code == 413
    assert Photo.objects.count() == 0


def test_a_photo_for_someone_elses_visit_is_a_404(visit, store):
    other = UserFactory(username="shopper-other", stores=[store])
    response, _ = upload(other, visit, jpeg())
    assert response.status_code == 404


def test_supervisors_and_head_office_see_photos_and_managers_and_shoppers_never(
    shopper, supervisor, head_office, manager, visit
):
    _, photo_id = upload(shopper, visit, jpeg())
    listing = reverse("photo-list") + f"?visit={visit.pk}"
    image = reverse("photo-image", args=[photo_id])

    for reader in (supervisor, head_office):
        assert [p["id"] for p in as_user(reader).get(listing).json()] == [photo_id]
        response = as_user(reader).get(image)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (800, 600)
    for outsider in (manager, shopper):
        assert as_user(outsider).get(listing).json() == []
        assert as_user(outsider).get(image).status_code == 404
        assert as_user(outsider).get(reverse("photo", args=[photo_id])).status_code == 404
