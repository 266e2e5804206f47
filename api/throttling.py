"""The write throttle: at most N writes per user in any window of the rate's period (DRF's
sliding-window rule, "600/min"), decided by one Redis command per request.

DRF's `ScopedRateThrottle` keeps each user's request times as a pickled list in the cache: a read
and a write per request (two round trips, and the whole list of up to N times both ways). With
Redis, the same rule runs as one script inside Redis on a sorted set of the user's request times
(EVALSHA: one round trip, nothing but a number back). Without Redis (a laptop, the SQLite tests)
DRF's own throttle applies the same rule through the cache.
"""

from __future__ import annotations

import functools

import redis
from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from core.throttling import ClientAddressMixin

# KEYS[1]: the user's key; ARGV[1]: the window in ms; ARGV[2]: the number of requests allowed in it.
# Returns 0 when the request is allowed (and counts it), else the milliseconds until it would be.
SLIDING_WINDOW = """
local now_parts = redis.call('TIME')
local now = now_parts[1] * 1000 + math.floor(now_parts[2] / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. count)
redis.call('PEXPIRE', KEYS[1], window)
return 0
"""


@functools.cache
def _sliding_window_script(url: str):
    """One client (and connection pool) per process; the script is sent once, then run by its hash."""
    return redis.Redis.from_url(url).register_script(SLIDING_WINDOW)


class WriteThrottle(ClientAddressMixin, ScopedRateThrottle):
    """Writes share one rate per user ("writes" in DEFAULT_THROTTLE_RATES); reads are not throttled."""

    scope = "writes"

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not settings.REDIS_URL:
            view.throttle_scope = self.scope
            return super().allow_request(request, view)
        self.num_requests, self.duration = self.parse_rate(self.get_rate())
        if self.num_requests is None:
            return True
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        script = _sliding_window_script(settings.REDIS_URL)
        wait_ms = script(keys=[f"throttle:{self.scope}:{ident}"], args=[self.duration * 1000, self.num_requests])
        self._wait = int(wait_ms) / 1000
        return not wait_ms

    def wait(self) -> float | None:
        if settings.REDIS_URL:
            return self._wait or None
        return super().wait()
