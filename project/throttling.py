"""Rate limits keyed on the client's real address (core.client_address)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from core.client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request)


class FailedLoginThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Failed log-ins per address, on the login page and the token endpoint together ("login" in
    DEFAULT_THROTTLE_RATES): password spraying over many user names from one address is stopped,
    whatever user names it tries. Only failures count, so an office whose staff share one address
    logs in freely. `allow_request` checks; the view calls `record_failure` when the password was
    wrong (DRF's throttles would count every request)."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests

    def record_failure(self) -> None:
        if self.rate is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
