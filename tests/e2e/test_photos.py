"""A photo taken offline goes with its visit: downscaled, without EXIF, uploaded once, never shown to managers."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from photos.models import Photo

from ..photos.conftest import jpeg
from .conftest import PASSWORD, record_pleasant_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def photo_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_taken_offline_is_uploaded_once_downscaled_without_exif_and_never_visible_to_the_manager(
    phone, shopper, store, manager
):
    page = phone.login(shopper)
    record_pleasant_visit(page)
    phone.go_offline()
    page.locator("#photo-input").set_input_files(
        files=[{"name": "receipt.jpg", "mimeType": "image/jpeg", "buffer": jpeg(3200, 2400, gps=True)}]
    )
    expect(page.locator("#photo-list li[data-state=queued]")).to_have_count(1)
    expect(page.locator("#photo-status")).to_contain_text("Photo added")
    page.get_by_role("button", name="Submit visit").click()
    expect(page.locator("#visit-list li[data-state=queued]")).to_contain_text("1 photo waiting to be sent.")

    uploads = []
    page.on("response", lambda response: uploads.append(response.status) if "/api/v1/photos/" in response.url else None)
    phone.go_online()
    expect(page.locator("#visit-list li[data-state=synced]")).to_have_count(1)
    expect(page.locator("#visit-list")).not_to_contain_text("waiting to be sent")
    assert uploads == [201]

    photo = Photo.objects.get()
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.size == (1600, 1200)
        assert dict(stored.getexif()) == {}
    assert photo.visit.observer == shopper

    manager_page = phone.context.browser.new_context(base_url=phone.base_url).new_page()
    try:
        manager_page.goto("/accounts/login/")
        manager_page.fill("#id_username", manager.username)
        manager_page.fill("#id_password", PASSWORD)
        manager_page.click("form.login button[type=submit]")
        manager_page.wait_for_load_state()
        assert manager_page.request.get(f"/api/v1/photos/{photo.pk}/image/").status == 404
        assert manager_page.request.get(f"/api/v1/photos/?visit={photo.visit_id}").json() == []
    finally:
        manager_page.context.close()
