from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from stores.models import User


@pytest.fixture
def head_office_by_add_user(db, monkeypatch):
    """Head office as a new company makes it: with add_user, no superuser flag."""
    monkeypatch.setenv("OASIS_PASSWORD", "a-long-enough-pass-phrase")
    call_command("add_user", "hanna", "--role", "head_office", "--email", "hanna@example.com", stdout=io.StringIO())
    return User.objects.get(username="hanna")


@pytest.fixture
def admin_client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login
