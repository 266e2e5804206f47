"""Token authentication: django-rest-knox's, in one indexed query per request.

knox's own lookup also reads all of the user's other tokens on every request to delete expired
ones; here expired and dead tokens are deleted when they are refused or when the user logs in
again, so a request costs one query (token by its indexed key, joined to its user). knox's
AUTO_REFRESH pushes the idle deadline forward, writing at most once per MIN_REFRESH_INTERVAL.
"""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from core import logs

from .models import DeviceToken


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
        # Unordered: the model's default ordering (newest first) only cost compiling an ORDER BY
        # (0.28 ms of CPU a request, 7 x 300 lookups alternated) for the one row a key nearly always finds.
        candidates = (
            DeviceToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user").order_by()
        )
        for device_token in candidates:
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
