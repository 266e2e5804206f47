from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from django.urls import reverse

from stores.models import User

from ..factories import UserFactory


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_from_that_address(client, axes_on):
    UserFactory(username="dora", password="correct-horse-battery")
    statuses = [
        client.post(reverse("login"), {"username": "dora", "password": "wrong-password-1"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the form with its error four times, then locked
    locked = client.post(reverse("login"), {"username": "dora", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert b"Too many failed log-in attempts" in locked.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client, axes_on):
    UserFactory(username="erik", password="correct-horse-battery")
    for _ in range(4):
        client.post(reverse("login"), {"username": "erik", "password": "wrong-password-1"})
    ok = client.post(reverse("login"), {"username": "erik", "password": "correct-horse-battery"})
    assert ok.status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post(reverse("login"), {"username": "erik", "password": "nope-nope-nope"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_cannot_slip_past_the_limit(live_server, axes_on, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them with 'database is locked'")
    UserFactory(username="frank", password="correct-horse-battery")
    url = live_server.url + reverse("login")
    checked = []
    check_password = User.check_password

    def counting_check_password(self, raw_password):
        checked.append(raw_password)  # list.append is atomic under the GIL
        return check_password(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting_check_password)

    def guess(i: int) -> int:
        with requests.Session() as session:
            session.get(url, timeout=10)
            token = session.cookies["csrftoken"]
            response = session.post(
                url,
                data={"username": "frank", "password": f"guess-{i}", "csrfmiddlewaretoken": token},
                headers={"Referer": url},
                timeout=10,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(guess, range(30)))

    assert len(checked) <= 5, f"{len(checked)} passwords were checked, the limit is 5"
    assert statuses.count(200) <= 4
    assert statuses.count(429) >= 26
    assert set(statuses) <= {200, 429}


@pytest.mark.django_db
def test_the_token_endpoint_locks_after_five_failures_too(axes_on):
    from rest_framework.test import APIClient

    UserFactory(username="gina", password="correct-horse-battery")
    client = APIClient()
    url = reverse("token")
    statuses = [
        client.post(url, {"username": "gina", "password": "nope-nope"}, format="json").status_code for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]  # wrong credentials, then locked as on the login page
    locked = client.post(url, {"username": "gina", "password": "correct-horse-battery"}, format="json")
    assert locked.status_code == 429
    assert "token" not in locked.json()
