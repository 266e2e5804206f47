from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from photos.models import Photo
from photos.services import photo_attach
from photos.tasks import delete_expired_photos

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def test_photos_older_than_the_retention_period_are_deleted_with_their_files(shopper, visit, settings):
    settings.OASIS_PHOTO_RETENTION_DAYS = 90
    old = photo_attach(uploader=shopper, visit=visit, photo_id=uuid.uuid4(), data=jpeg()).photo
    recent = photo_attach(uploader=shopper, visit=visit, photo_id=uuid.uuid4(), data=jpeg(640, 480)).photo
    Photo.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    storage = old.image.storage
    assert storage.exists(old.image.name)

    assert delete_expired_photos() == 1
    assert delete_expired_photos() == 0  # safe to run twice

    assert list(Photo.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(old.image.name)
    assert storage.exists(recent.image.name)


def test_the_retention_sweep_runs_daily_from_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "photos.tasks.delete_expired_photos" in tasks
