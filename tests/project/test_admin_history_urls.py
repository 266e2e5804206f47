"""The admin's history pages answer 404 to malformed ids (they raised a 500 on `history/x/`)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/stores/store/{pk}/history/x/",
        "/admin/stores/store/{pk}/history/99999999999999999999/",
        "/admin/stores/store/x/history/",
        "/admin/stores/store/x/history/1/",
        "/admin/observations/visit/x/history/",
        "/admin/observations/visit/x/history/1/",
        "/admin/observations/rubric/1/history/%00/",
    ],
)
def test_a_malformed_history_url_is_a_404(client, head_office, store, path):
    head_office.is_superuser = True
    head_office.save()
    client.force_login(head_office)
    response = client.get(path.format(pk=store.pk))
    assert response.status_code == 404


def test_a_real_history_version_still_opens(client, head_office, store):
    head_office.is_superuser = True
    head_office.save()
    client.force_login(head_office)
    version = store.history.latest()
    response = client.get(f"/admin/stores/store/{store.pk}/history/{version.history_id}/")
    assert response.status_code == 200
