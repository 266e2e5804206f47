"""At most ten photos per visit, also when twenty uploads of one visit arrive at the same moment."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from photos.models import Photo
from photos.services import MAX_PER_VISIT, PhotoInvalid, photo_attach

from .conftest import jpeg


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_uploads_store_exactly_ten_photos(shopper, visit):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises them with 'database is locked'")
    data = [jpeg(200 + i, 100) for i in range(20)]
    start = threading.Barrier(20)

    def upload(i: int) -> str:
        start.wait()
        try:
            photo_attach(uploader=shopper, visit=visit, photo_id=uuid.uuid4(), data=data[i])
            return "stored"
        except PhotoInvalid as refused:
            return refused.errors["image"]
        finally:
            connection.close()

    for _ in range(3):  # the race lost 3 runs out of 4 before the lock
        Photo.objects.all().delete()
        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(upload, range(20)))
        assert outcomes.count("stored") == MAX_PER_VISIT
        assert set(outcomes) == {"stored", "A visit holds at most 10 photos."}
        assert Photo.objects.filter(visit=visit).count() == MAX_PER_VISIT


@pytest.mark.django_db
def test_the_eleventh_photo_is_refused_and_leaves_no_file(shopper, visit, photo_files):
    for i in range(MAX_PER_VISIT):
        photo_attach(uploader=shopper, visit=visit, photo_id=uuid.uuid4(), data=jpeg(200 + i, 100))

    with pytest.raises(PhotoInvalid):
        photo_attach(uploader=shopper, visit=visit, photo_id=uuid.uuid4(), data=jpeg(100, 100))

    assert Photo.objects.count() == MAX_PER_VISIT
    assert len(list(photo_files.rglob("*.jpg"))) == MAX_PER_VISIT
