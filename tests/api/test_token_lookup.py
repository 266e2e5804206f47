"""The token lookup of every API request reads the same token and user as the ORM's queryset."""

from __future__ import annotations

import pytest

from api.authentication import _tokens_with_their_users
from api.models import DeviceToken
from api.tokens import device_token_issue

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_written_out_lookup_reads_what_the_queryset_reads(shopper, supervisor):
    shopper_token, _ = device_token_issue(user=shopper, device="phone")
    device_token_issue(user=supervisor, device="tablet")
    [found] = _tokens_with_their_users(shopper_token.token_key)
    [expected] = DeviceToken.objects.filter(token_key=shopper_token.token_key).select_related("user")
    assert values(found) == values(expected)
    assert values(found.user) == values(expected.user)
    assert found.user.pk == shopper.pk and not found._state.adding and not found.user._state.adding


def test_an_unknown_key_finds_nothing(shopper):
    device_token_issue(user=shopper, device="phone")
    assert _tokens_with_their_users("00000000") == []
