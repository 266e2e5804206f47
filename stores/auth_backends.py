"""Password checking with a strict, concurrency-safe attempt limit.

django-axes checks for a lockout before the password is checked and counts the failure after it;
concurrent guesses that all pass the check before the first failure is counted would each get a
password check. This backend reserves an attempt with an atomic increment (Redis INCR in
production, where REDIS_URL must be set) before checking the password, so no more than
AXES_FAILURE_LIMIT passwords are ever checked per user name and address within the cool-off time,
however many requests arrive at once. A successful log-in frees the reservations.
"""

from __future__ import annotations

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


def _attempts_key(request, username: str) -> str:
    client = get_client_ip_address(getattr(request, "_request", request)) or "unknown"
    digest = hashlib.sha256(f"{username.casefold()}|{client}".encode()).hexdigest()
    return f"auth-attempts:{digest}"


class AttemptLimitedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or not getattr(settings, "AXES_ENABLED", True):
            return super().authenticate(request, username=username, password=password, **kwargs)
        key = _attempts_key(request, username)
        cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
        cache.add(key, 0, timeout=cooloff)
        try:
            attempt = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.add(key, 0, timeout=cooloff)
            attempt = cache.incr(key)
        if attempt > settings.AXES_FAILURE_LIMIT:
            # Tell axes' middleware to answer with the lockout response.
            getattr(request, "_request", request).axes_locked_out = True
            raise PermissionDenied("too many attempts")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            cache.delete(key)
        return user
