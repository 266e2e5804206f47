from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stores.models import User

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-enough-pass-phrase"


def add_user(*args: str) -> str:
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv("OASIS_PASSWORD", GOOD_PASSWORD)


def test_adds_a_shopper_assigned_to_stores(store, other_store):
    output = add_user("lena", "--role", "shopper", "--store", "ber-mitte", "--store", "zrh-hb")
    user = User.objects.get(username="lena")
    assert user.role == "shopper"
    assert sorted(user.stores.values_list("code", flat=True)) == ["ber-mitte", "zrh-hb"]
    assert user.check_password(GOOD_PASSWORD)
    assert "Created shopper lena (ber-mitte, zrh-hb)." in output


def test_adds_a_supervisor_of_a_region(region):
    add_user("max", "--role", "supervisor", "--region", "north")
    assert list(User.objects.get(username="max").regions.values_list("code", flat=True)) == ["north"]


def test_head_office_is_staff_and_needs_no_scope(db):
    add_user("hq", "--role", "head_office")
    assert User.objects.get(username="hq").is_staff


def test_updates_an_existing_users_role_and_scope(store, region):
    add_user("lena", "--role", "shopper", "--store", "ber-mitte")
    output = add_user("lena", "--role", "supervisor", "--region", "north")
    user = User.objects.get(username="lena")
    assert (user.role, list(user.stores.all())) == ("supervisor", [])
    assert "Updated supervisor lena (north)." in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss"], "Unknown role 'boss'"),
        (["--role", "shopper", "--store", "nowhere"], "Unknown store code(s): nowhere."),
        (["--role", "supervisor", "--region", "atlantis"], "Unknown region code(s): atlantis."),
        (["--role", "shopper", "--region", "north"], "--region is for supervisors, not for shopper."),
        (["--role", "supervisor", "--store", "ber-mitte"], "--store is for shoppers and managers"),
        (["--role", "manager"], "A manager needs at least one --store."),
        (["--role", "supervisor"], "A supervisor needs at least one --region."),
    ],
)
def test_clear_errors_for_wrong_roles_and_scopes(store, region, args, message):
    with pytest.raises(CommandError) as error:
        add_user("lena", *args)
    assert message in str(error.value)
    assert not User.objects.filter(username="lena").exists()


def test_a_weak_password_is_refused(store, monkeypatch):
    monkeypatch.setenv("OASIS_PASSWORD", "short")
    with pytest.raises(CommandError, match="Password refused"):
        add_user("lena", "--role", "shopper", "--store", "ber-mitte")


def test_the_password_is_asked_twice_when_not_in_the_environment(store, monkeypatch):
    monkeypatch.delenv("OASIS_PASSWORD")
    answers = iter([GOOD_PASSWORD, "something-else-entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match=r"The two passwords differ\."):
        add_user("lena", "--role", "shopper", "--store", "ber-mitte")


def test_a_head_office_made_by_add_user_may_manage_the_program():
    add_user("hilde", "--role", "head_office")
    user = User.objects.get(username="hilde")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("stores.change_store") and user.has_perm("observations.change_rubric")
