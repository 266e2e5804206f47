"""What the app refuses on the way back from the provider: an ID token changed on the way, one for
another application, an expired one, and a state it did not hand out or that was used already."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from django.test import Client
from django.urls import reverse

from sso.models import RoleMapping
from stores.models import Role, User

from .conftest import CLIENT_ID, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers(store):
    mapping = RoleMapping.objects.create(claim_value="store-ber-mitte", role=Role.MANAGER)
    mapping.stores.set([store])
    return mapping


def refused(client, response) -> bool:
    return (
        response.status_code == 302
        and response["Location"] == reverse("login")
        and client.get("/api/v1/me/").status_code in (401, 403)
    )


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_the_untouched_token_through_the_proxy_signs_in(client, sso, token_proxy, managers):
    sso.set_person("carla", groups=["store-ber-mitte"])

    response, _ = sign_in(client, sso, "carla")

    assert response.status_code == 302 and response["Location"] != reverse("login")
    assert client.get("/api/v1/me/").json()["role"] == Role.MANAGER


def test_an_id_token_changed_on_the_way_is_refused(client, sso, token_proxy, managers):
    sso.set_person("carla", groups=["store-ber-mitte"])
    sso.set_person("dora", groups=["store-ber-mitte"])

    def swap_subject(id_token: str) -> str:
        header, payload, signature = id_token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        return ".".join([header, b64({**claims, "sub": "dora"}), signature])

    token_proxy.rewrite = swap_subject
    response, _ = sign_in(client, sso, "carla")

    assert refused(client, response)
    assert not User.objects.filter(identities__isnull=False).exists()


def test_an_id_token_for_another_application_is_refused(client, sso, token_proxy, managers):
    """Signed by the provider's own key, but issued to another client."""
    sso.set_person("carla", groups=["store-ber-mitte"])

    def other_audience(id_token: str) -> str:
        claims = jwt.decode(id_token, options={"verify_signature": False})
        assert claims["aud"] == CLIENT_ID
        return sso.sign({**claims, "aud": "another-app"})

    token_proxy.rewrite = other_audience
    response, _ = sign_in(client, sso, "carla")

    assert refused(client, response)
    assert not User.objects.filter(identities__isnull=False).exists()


def test_an_expired_id_token_is_refused(client, sso, token_proxy, managers):
    sso.set_person("carla", groups=["store-ber-mitte"])

    def expired(id_token: str) -> str:
        claims = jwt.decode(id_token, options={"verify_signature": False})
        now = int(time.time())
        return sso.sign({**claims, "iat": now - 7200, "exp": now - 3600})

    token_proxy.rewrite = expired
    response, _ = sign_in(client, sso, "carla")

    assert refused(client, response)
    assert not User.objects.filter(identities__isnull=False).exists()


def test_an_id_token_of_another_issuer_is_refused(client, sso, token_proxy, managers):
    sso.set_person("carla", groups=["store-ber-mitte"])
    token_proxy.rewrite = lambda id_token: sso.sign(
        {**jwt.decode(id_token, options={"verify_signature": False}), "iss": "https://evil.example"}
    )

    response, _ = sign_in(client, sso, "carla")

    assert refused(client, response)


def test_a_replayed_callback_signs_nobody_in(client, sso, managers):
    sso.set_person("carla", groups=["store-ber-mitte"])
    _, callback = sign_in(client, sso, "carla")
    assert client.get("/api/v1/me/").status_code == 200
    client.logout()

    replay = client.get(callback)

    assert refused(client, replay)


def test_a_callback_with_a_state_of_another_browser_signs_nobody_in(client, sso, managers):
    """The victim's code and state, taken to the attacker's browser, which never started that sign-in."""
    sso.set_person("carla", groups=["store-ber-mitte"])
    start = client.get("/oidc/authenticate/")
    back = sso.log_in(start["Location"], "carla")
    attacker = Client()
    attacker.get(reverse("login"))

    response = attacker.get(back.replace("http://testserver", ""))

    assert refused(attacker, response)
