"""Rate limits keyed on the client's real address (project.client_address)."""

from __future__ import annotations

from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from .client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request)


class LoginRateThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Log-in attempts per address, the login page and the token endpoint counted together
    ("login" in DEFAULT_THROTTLE_RATES): password spraying over many user names from one address
    is slowed down, whatever user names it tries."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ClientScopedRateThrottle(ClientAddressMixin, ScopedRateThrottle):
    pass
