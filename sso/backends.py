"""The OpenID Connect authentication backend: mozilla-django-oidc's code flow (with PKCE, state and
nonce), plus the checks of the ID token it leaves to the application, and our user mapping.

mozilla-django-oidc verifies the ID token's signature (against the provider's JWKS), its expiry and
nonce; it does not check the audience or the issuer. `verify_token` adds them (OpenID Connect Core
3.1.3.7): the token must be issued by `OIDC_OP_ISSUER`, to this client (`aud`, and `azp` when there
are several audiences), carry `exp` and `iat`, and not be expired (`OIDC_CLOCK_SKEW_SECONDS` of
leeway). The userinfo answer must be about the same subject (5.3.2). Any failure, or a provider that
does not answer, refuses the sign-in; nothing of it becomes a server error.
"""

from __future__ import annotations

import logging
import time

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .services import sso_sign_in

logger = logging.getLogger(__name__)


def check_id_token_claims(payload: dict, *, issuer: str, client_id: str, leeway: float, now: float) -> None:
    """Raise SuspiciousOperation unless the (signature-verified) ID token is for this client, from
    this issuer and in its validity period."""
    if payload.get("iss") != issuer:
        raise SuspiciousOperation("ID token from another issuer")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        raise SuspiciousOperation("ID token for another audience")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token authorized for another party")
    exp, iat = payload.get("exp"), payload.get("iat")
    if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
        raise SuspiciousOperation("ID token without exp or iat")
    if exp + leeway < now:
        raise SuspiciousOperation("ID token expired")
    if iat - leeway > now:
        raise SuspiciousOperation("ID token issued in the future")
    if not isinstance(payload.get("sub"), str) or not payload["sub"]:
        raise SuspiciousOperation("ID token without a subject")


class OpenIDConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException, ValueError, KeyError) as error:
            logger.warning("sso: sign-in refused: %s: %s", error.__class__.__name__, error)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        check_id_token_claims(
            payload,
            issuer=settings.OIDC_OP_ISSUER,
            client_id=self.OIDC_RP_CLIENT_ID,
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            now=time.time(),
        )
        return payload

    def get_user(self, user_id):
        """The session's user, while active (mozilla-django-oidc's would keep a deactivated user
        signed in: one who lost their role keeps no session)."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo about another subject")
        return sso_sign_in(issuer=payload["iss"], subject=payload["sub"], claims={**payload, **userinfo})
