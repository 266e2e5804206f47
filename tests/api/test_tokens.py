"""API tokens: one per device, expiring when idle, dying with the password, deactivation and
logout; a refused token is a 401 with code token_invalid (the phone then asks to log in again)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import DeviceToken
from api.tokens import device_token_issue

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
REFUSED = {
    "detail": "This token is not valid (expired, revoked or unknown). Please log in again.",
    "code": "token_invalid",
}


def log_in(username: str, device: str | None = None) -> dict:
    body = {"username": username, "password": PASSWORD}
    if device is not None:
        body["device"] = device
    response = APIClient().post(reverse("token"), body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_token_endpoint_keeps_its_contract(shopper):
    body = log_in("shopper-anna")
    assert set(body) == {"token", "device_id", "expiry"}
    assert with_token(body["token"]).get(reverse("me")).status_code == 200


def test_a_token_is_stored_only_as_a_digest(shopper):
    token = log_in("shopper-anna")["token"]
    assert not DeviceToken.objects.filter(digest=token).exists()
    assert DeviceToken.objects.get().digest != token


def test_each_device_gets_its_own_token_and_relogging_a_device_replaces_its_token(shopper):
    phone = log_in("shopper-anna", device="phone")["token"]
    tablet = log_in("shopper-anna", device="tablet")["token"]
    phone_again = log_in("shopper-anna", device="phone")["token"]
    assert with_token(tablet).get(reverse("me")).status_code == 200
    assert with_token(phone_again).get(reverse("me")).status_code == 200
    assert with_token(phone).get(reverse("me")).json() == REFUSED
    assert sorted(DeviceToken.objects.values_list("device", flat=True)) == ["phone", "tablet"]


def test_an_unknown_token_is_a_401_with_a_clear_code(shopper):
    response = with_token("f" * 64).get(reverse("me"))
    assert response.status_code == 401
    assert response.json() == REFUSED
    assert response["WWW-Authenticate"] == "Token"


def test_a_malformed_authorization_header_is_refused_the_same_way(shopper):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token two parts")
    assert client.get(reverse("me")).json() == REFUSED


def test_no_credentials_at_all_says_so(db):
    response = APIClient().get(reverse("me"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_token_idle_for_longer_than_the_limit_is_refused_and_deleted(shopper):
    token = log_in("shopper-anna")["token"]
    DeviceToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = with_token(token).get(reverse("me"))
    assert response.status_code == 401
    assert response.json() == REFUSED
    assert not DeviceToken.objects.exists()


def test_the_idle_limit_is_30_days_by_default(shopper):
    before = timezone.now()
    expiry = DeviceToken.objects.get(device_id=log_in("shopper-anna")["device_id"]).expiry
    assert dt.timedelta(days=30) <= expiry - before <= dt.timedelta(days=30, minutes=1)


def test_using_a_token_extends_it_but_writes_at_most_once_per_refresh_interval(shopper, django_assert_num_queries):
    token = log_in("shopper-anna")["token"]
    issued = DeviceToken.objects.get().expiry
    client = with_token(token)
    # The token with its user (one indexed query), then the user's visible stores.
    with django_assert_num_queries(2):
        client.get(reverse("me"))
    assert DeviceToken.objects.get().expiry == issued  # used within the interval: no write
    DeviceToken.objects.update(expiry=issued - dt.timedelta(hours=2))
    # The token with its user, the expiry pushed forward (one UPDATE), the user's stores.
    with django_assert_num_queries(3):
        client.get(reverse("me"))
    assert DeviceToken.objects.get().expiry >= issued


@pytest.mark.parametrize("change", ["set_password", "admin_form", "add_user", "password_page"])
def test_a_password_change_revokes_every_token(client, shopper, head_office, monkeypatch, change):
    token = log_in("shopper-anna")["token"]
    new_password = "another-long-pass-phrase"
    if change == "set_password":
        shopper.set_password(new_password)
        shopper.save()
    elif change == "admin_form":
        head_office.is_superuser = True
        head_office.save()
        client.force_login(head_office)
        url = reverse("admin:auth_user_password_change", args=[shopper.pk])
        response = client.post(url, {"password1": new_password, "password2": new_password})
        assert response.status_code == 302, response.content
    elif change == "add_user":
        monkeypatch.setenv("OASIS_PASSWORD", new_password)
        call_command("add_user", "shopper-anna", "--role", "shopper", "--store", "ber-mitte", stdout=io.StringIO())
    else:
        client.force_login(shopper)
        body = {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password}
        assert client.post(reverse("password_change"), body).status_code == 302
    response = with_token(token).get(reverse("me"))
    assert response.status_code == 401
    assert response.json() == REFUSED


def test_deactivation_revokes_every_token(shopper):
    token = log_in("shopper-anna")["token"]
    shopper.is_active = False
    shopper.save()
    assert with_token(token).get(reverse("me")).json() == REFUSED


def test_logging_out_of_the_app_revokes_that_device_only(shopper):
    phone = log_in("shopper-anna", device="phone")["token"]
    tablet = log_in("shopper-anna", device="tablet")["token"]
    assert with_token(phone).post(reverse("token-logout")).status_code == 204
    assert with_token(phone).get(reverse("me")).json() == REFUSED
    assert with_token(tablet).get(reverse("me")).status_code == 200


def test_logging_out_of_the_web_pages_revokes_every_token(client, shopper):
    token = log_in("shopper-anna")["token"]
    client.force_login(shopper)
    assert client.post("/accounts/logout/").status_code == 302
    assert with_token(token).get(reverse("me")).json() == REFUSED


def test_a_user_lists_their_own_live_devices_only(shopper, supervisor):
    log_in("shopper-anna", device="phone")
    current = log_in("shopper-anna", device="tablet")
    log_in("supervisor-ben", device="theirs")
    expired, _ = device_token_issue(user=shopper, device="old")
    DeviceToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - dt.timedelta(days=1))
    devices = with_token(current["token"]).get(reverse("devices")).json()
    assert [(d["device"], d["current"]) for d in devices] == [("tablet", True), ("phone", False)]
    assert set(devices[0]) == {"device_id", "device", "created", "expiry", "current"}


def test_a_user_revokes_one_of_their_devices(shopper):
    phone = log_in("shopper-anna", device="phone")
    tablet = log_in("shopper-anna", device="tablet")
    client = with_token(tablet["token"])
    assert client.delete(reverse("device-revoke", args=[phone["device_id"]])).status_code == 204
    assert with_token(phone["token"]).get(reverse("me")).json() == REFUSED
    assert client.get(reverse("me")).status_code == 200


def test_nobody_revokes_someone_elses_device_through_the_api(shopper, supervisor):
    theirs = log_in("supervisor-ben", device="phone")
    mine = log_in("shopper-anna")
    response = with_token(mine["token"]).delete(reverse("device-revoke", args=[theirs["device_id"]]))
    assert response.status_code == 404
    assert with_token(theirs["token"]).get(reverse("me")).status_code == 200


def test_head_office_revokes_anyones_device_in_the_admin(client, shopper, head_office):
    body = log_in("shopper-anna", device="phone")
    token = DeviceToken.objects.get(device_id=body["device_id"])
    client.force_login(head_office)
    listing = client.get("/admin/api/devicetoken/")
    assert listing.status_code == 200
    assert b"shopper-anna" in listing.content
    response = client.post(f"/admin/api/devicetoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert with_token(body["token"]).get(reverse("me")).json() == REFUSED


def test_others_cannot_open_the_device_admin(client, supervisor):
    supervisor.is_staff = True
    supervisor.save()
    client.force_login(supervisor)
    assert client.get("/admin/api/devicetoken/").status_code == 403


@override_settings(
    REST_KNOX={"TOKEN_TTL": dt.timedelta(days=2), "AUTO_REFRESH": True, "TOKEN_MODEL": "api.DeviceToken"}
)
def test_the_idle_limit_is_configurable(shopper):
    before = timezone.now()
    expiry = DeviceToken.objects.get(device_id=log_in("shopper-anna")["device_id"]).expiry
    assert dt.timedelta(days=2) <= expiry - before <= dt.timedelta(days=2, minutes=1)
