"""Reviewers see a visit's photos in the desktop review queue; a page of visits with photos costs
the same number of queries as one without."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from photos.services import photo_attach

from ..factories import submit_visit
from .conftest import jpeg

pytestmark = pytest.mark.django_db


def attach(visit, count: int) -> list[str]:
    ids = [uuid.uuid4() for _ in range(count)]
    for photo_id in ids:
        photo_attach(uploader=visit.observer, visit=visit, photo_id=photo_id, data=jpeg())
    return [str(photo_id) for photo_id in ids]


def test_the_review_queue_shows_each_photo_as_a_thumbnail_linking_to_the_image(client, supervisor, visit):
    photo_ids = attach(visit, 2)
    client.force_login(supervisor)

    page = client.get(reverse("review:queue")).content.decode()

    for number, photo_id in enumerate(photo_ids, start=1):
        image = reverse("photo-image", args=[photo_id])
        assert f'<a href="{image}"' in page
        assert f'<img src="{image}"' in page
        assert f'alt="Photo {number} of the visit"' in page


def test_photos_add_no_query_per_visit_to_the_review_queue(client, head_office, shopper, store, visit):
    client.force_login(head_office)
    client.get(reverse("review:queue"))  # what a session loads once
    with CaptureQueriesContext(connection) as one_visit:
        client.get(reverse("review:queue"))

    for _ in range(3):
        attach(submit_visit(observer=shopper, store=store, minutes=25), 2)
    with CaptureQueriesContext(connection) as four_visits_with_photos:
        page = client.get(reverse("review:queue"))

    assert len(page.context["rows"]) == 4
    assert len(four_visits_with_photos) == len(one_visit)
