"""Staff sign in with the company's OpenID provider (a real one, on loopback): role and scope from
their groups through head office's mappings, read again at every sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.tokens import device_token_issue, devices_of
from sso.models import Identity, RoleMapping
from stores.models import Role, User

from ..factories import StoreFactory, UserFactory
from .conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mappings(region, other_region, store):
    north = RoleMapping.objects.create(claim_value="oasis-supervisors-north", role=Role.SUPERVISOR)
    north.regions.set([region])
    south = RoleMapping.objects.create(claim_value="oasis-supervisors-south", role=Role.SUPERVISOR)
    south.regions.set([other_region])
    managers = RoleMapping.objects.create(claim_value="store-ber-mitte", role=Role.MANAGER)
    managers.stores.set([store])
    RoleMapping.objects.create(claim_value="oasis-head-office", role=Role.HEAD_OFFICE)
    return north


def me(client) -> dict:
    response = client.get("/api/v1/me/")
    return response.json() if response.status_code == 200 else {"status": response.status_code}


def test_a_supervisor_signs_in_with_the_company_account_and_gets_the_mapped_region(client, sso, mappings, region):
    sso.set_person(
        "ben",
        email="ben@company.example",
        email_verified=True,
        given_name="Ben",
        groups=["oasis-supervisors-north", "other-app-users"],
    )

    response, _ = sign_in(client, sso, "ben", next_url="/reports/")

    assert response.status_code == 302 and response["Location"] == "/reports/"
    user = User.objects.get(identities__subject="ben")
    assert (user.role, list(user.regions.all()), user.email, user.first_name) == (
        Role.SUPERVISOR,
        [region],
        "ben@company.example",
        "Ben",
    )
    assert not user.has_usable_password()
    assert me(client)["role"] == Role.SUPERVISOR


def test_groups_of_two_regions_make_a_supervisor_of_both(client, sso, mappings, region, other_region):
    sso.set_person("ben", groups=["oasis-supervisors-north", "oasis-supervisors-south"])

    sign_in(client, sso, "ben")

    user = User.objects.get(identities__subject="ben")
    assert set(user.regions.all()) == {region, other_region}


def test_head_office_group_makes_head_office_with_the_admin(client, sso, mappings):
    sso.set_person("dora", groups=["oasis-head-office", "store-ber-mitte"])

    sign_in(client, sso, "dora")

    user = User.objects.get(identities__subject="dora")
    assert user.role == Role.HEAD_OFFICE and user.is_staff
    assert client.get("/admin/").status_code == 200


def test_a_person_without_a_mapped_group_gets_no_account(client, sso, mappings):
    sso.set_person("eve", email="eve@company.example", email_verified=True, groups=["canteen"])
    users_before = User.objects.count()

    response, _ = sign_in(client, sso, "eve")

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert User.objects.count() == users_before
    assert me(client)["status"] in (401, 403)
    page = client.get(reverse("login"))
    assert "did not work, or it does not give you access" in page.content.decode()


def test_a_user_whose_groups_no_longer_grant_a_role_loses_it_and_their_api_tokens(client, sso, mappings):
    sso.set_person("carla", groups=["store-ber-mitte"])
    sign_in(client, sso, "carla")
    user = User.objects.get(identities__subject="carla")
    _, token = device_token_issue(user=user, device="carla's phone")
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    client.logout()

    sso.set_person("carla", groups=["former-staff"])
    response, _ = sign_in(client, sso, "carla")

    assert response["Location"] == reverse("login")
    user.refresh_from_db()
    assert not user.is_active and not user.stores.exists()
    assert devices_of(user) == []
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_session_of_a_user_who_lost_the_role_ends(client, sso, mappings):
    sso.set_person("carla", groups=["store-ber-mitte"])
    sign_in(client, sso, "carla")
    sso.set_person("carla", groups=[])

    sign_in(client.__class__(), sso, "carla")  # on another device

    assert me(client)["status"] in (401, 403)


def test_a_role_granted_again_reactivates_the_user(client, sso, mappings, store):
    sso.set_person("carla", groups=["store-ber-mitte"])
    sign_in(client, sso, "carla")
    sso.set_person("carla", groups=[])
    sign_in(client, sso, "carla")
    sso.set_person("carla", groups=["store-ber-mitte"])

    sign_in(client, sso, "carla")

    user = User.objects.get(identities__subject="carla")
    assert user.is_active and list(user.stores.all()) == [store]
    assert me(client)["role"] == Role.MANAGER


def test_a_changed_scope_revokes_the_api_tokens(client, sso, mappings, region, other_region):
    sso.set_person("ben", groups=["oasis-supervisors-north"])
    sign_in(client, sso, "ben")
    user = User.objects.get(identities__subject="ben")
    device_token_issue(user=user, device="phone")
    sso.set_person("ben", groups=["oasis-supervisors-south"])

    sign_in(client, sso, "ben")

    assert list(user.regions.all()) == [other_region]
    assert devices_of(user) == []


def test_an_unchanged_role_keeps_the_api_tokens(client, sso, mappings):
    sso.set_person("ben", groups=["oasis-supervisors-north"])
    sign_in(client, sso, "ben")
    user = User.objects.get(identities__subject="ben")
    device_token_issue(user=user, device="phone")

    sign_in(client, sso, "ben")

    assert len(devices_of(user)) == 1


def test_a_user_deactivated_by_head_office_is_not_reactivated_by_the_provider(client, sso, mappings):
    sso.set_person("carla", groups=["store-ber-mitte"])
    sign_in(client, sso, "carla")
    User.objects.filter(identities__subject="carla").update(is_active=False)
    client.logout()

    response, _ = sign_in(client, sso, "carla")

    assert response["Location"] == reverse("login")
    assert not User.objects.get(identities__subject="carla").is_active


def test_a_changed_email_never_takes_over_another_account(client, sso, mappings, head_office):
    """Head office's break-glass account has dora@company.example; a provider account that now
    claims that address stays its own user, and the local account keeps its password login."""
    head_office.email = "dora@company.example"
    head_office.save()
    sso.set_person("mallory", email="mallory@company.example", email_verified=True, groups=["store-ber-mitte"])
    sign_in(client, sso, "mallory")
    sso.set_person("mallory", email="dora@company.example", email_verified=True, groups=["store-ber-mitte"])
    client.logout()

    sign_in(client, sso, "mallory")

    assert me(client)["role"] == Role.MANAGER
    mallory = User.objects.get(identities__subject="mallory")
    assert mallory.pk != head_office.pk and mallory.email == "mallory@company.example"
    assert not Identity.objects.filter(user=head_office).exists()


def test_a_provider_user_name_of_a_local_account_makes_a_new_user(client, sso, mappings, store):
    local = UserFactory(username="anna", role=Role.SHOPPER, stores=[StoreFactory()])
    sso.set_person("anna", groups=["store-ber-mitte"])

    sign_in(client, sso, "anna")

    user = User.objects.get(identities__subject="anna")
    assert user.pk != local.pk and user.username.startswith("anna-")
    local.refresh_from_db()
    assert local.role == Role.SHOPPER and local.has_usable_password()


def test_local_accounts_still_log_in_with_a_password_beside_single_sign_on(client, sso, shopper):
    page = client.get(reverse("login"))
    assert reverse("oidc_authentication_init") in page.content.decode()

    response = client.post(reverse("login"), {"username": "shopper-anna", "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert me(client)["role"] == Role.SHOPPER


def test_without_configuration_there_is_no_company_sign_in(client, db, settings):
    settings.OASIS_SSO = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert reverse("oidc_authentication_init") not in client.get(reverse("login")).content.decode()


def test_the_company_sign_in_is_offered_in_german(client, sso):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Mit dem Firmenkonto anmelden" in page


def test_people_without_a_role_do_not_lock_out_the_colleagues_behind_the_same_address(client, sso, mappings, settings):
    """The log-in lockout (django-axes) counts password failures per user name and address; refused
    company sign-ins from one office address must not lock every colleague out."""
    settings.AXES_ENABLED = True
    sso.set_person("eve", groups=["canteen"])
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.logout()
        sign_in(client, sso, "eve")
    sso.set_person("ben", groups=["oasis-supervisors-north"])

    response, _ = sign_in(client, sso, "ben")

    assert response.status_code == 302 and response["Location"] != reverse("login")
    assert me(client)["role"] == Role.SUPERVISOR
