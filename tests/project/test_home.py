from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "start"),
    [("shopper", "/m/"), ("supervisor", "/m/"), ("manager", "/reports/"), ("head_office", "/reports/branches/")],
)
def test_each_role_lands_on_its_page(client, request, who, start):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == start


def test_anonymous_visitors_are_asked_to_log_in(client):
    assert client.get(reverse("home"))["Location"].startswith("/accounts/login/")
