"""Token authentication: django-rest-knox's, in one indexed query per request.

knox's own lookup also reads all of the user's other tokens on every request to delete expired
ones; here expired and dead tokens are deleted when they are refused or when the user logs in
again, so a request costs one query (token by its indexed key, joined to its user). knox's
AUTO_REFRESH pushes the idle deadline forward, writing at most once per MIN_REFRESH_INTERVAL.
"""

from __future__ import annotations

import binascii
import functools
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from core import logs
from core.prepared import numbered, prepared_cursor

from .models import DeviceToken

User = get_user_model()


class TokenRefused(exceptions.AuthenticationFailed):
    """401 `{"detail": ..., "code": "token_invalid"}`: the phone asks the user to log in again."""

    default_detail = _("This token is not valid (expired, revoked or unknown). Please log in again.")
    default_code = "token_invalid"


class DeviceTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        try:
            authenticated = super().authenticate(request)
        except TokenRefused:
            raise
        except exceptions.AuthenticationFailed:  # a malformed Authorization header
            raise TokenRefused() from None
        if authenticated is not None:
            logs.bind_user(authenticated[0])  # the request's log lines carry the user's id from here on
        return authenticated

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("ascii")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise TokenRefused() from None
        for device_token in _tokens_with_their_users(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if compare_digest(digest, device_token.digest):
                break
        else:
            raise TokenRefused()
        if not device_token.is_live(timezone.now()):
            device_token.delete()
            raise TokenRefused()
        if knox_settings.AUTO_REFRESH and device_token.expiry is not None:
            self.renew_token(device_token)
        return device_token.user, device_token


def _tokens_with_their_users(token_key: str) -> list[DeviceToken]:
    """The tokens with this key (nearly always one), each with its user: the query of
    `DeviceToken.objects.filter(token_key=...).select_related("user")`, written out once from the
    models' fields and read with `Model.from_db`. Composed and compiled by the ORM on every request
    it cost 0.84 ms of CPU, this 0.19 ms (min of 5 x 300 each, alternated, loaded machine); every
    API request pays it. Prepared once per connection (`core.prepared`): against Django's cursor
    0.116 -> 0.086 ms of CPU here and 0.130 -> 0.040 ms in PostgreSQL (7 x 1,000 alternated). Unordered: a key nearly always finds one row. PostgreSQL (whose values
    need no converting for these fields); elsewhere the queryset."""
    if connection.vendor != "postgresql":  # SQLite returns times as text: the ORM converts them
        return list(DeviceToken.objects.filter(token_key=token_key).select_related("user").order_by())
    token_fields, user_fields = _token_and_user_fields()
    with prepared_cursor() as cursor:
        cursor.execute(_token_and_user_sql(), [token_key])
        rows = cursor.fetchall()
    tokens = []
    for row in rows:
        device_token = DeviceToken.from_db(connection.alias, token_fields, row[: len(token_fields)])
        device_token.user = User.from_db(connection.alias, user_fields, row[len(token_fields) :])
        tokens.append(device_token)
    return tokens


@functools.cache
def _token_and_user_fields() -> tuple[list[str], list[str]]:
    return (
        [field.attname for field in DeviceToken._meta.concrete_fields],
        [field.attname for field in User._meta.concrete_fields],
    )


@functools.cache
def _token_and_user_sql() -> str:
    quote = connection.ops.quote_name
    token_columns = ", ".join(f"t.{quote(field.column)}" for field in DeviceToken._meta.concrete_fields)
    user_columns = ", ".join(f"u.{quote(field.column)}" for field in User._meta.concrete_fields)
    user_id = quote(DeviceToken._meta.get_field("user").column)
    return numbered(
        f"SELECT {token_columns}, {user_columns} FROM {quote(DeviceToken._meta.db_table)} t"  # noqa: S608 (names from the models)
        f" JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{user_id}"
        f" WHERE t.{quote(DeviceToken._meta.get_field('token_key').column)} = %s"
    )


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description of the scheme: `Authorization: Token <token>`."""

    target_class = "api.authentication.DeviceTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>` with a token from POST /api/v1/auth/token/",
        }
