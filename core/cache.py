"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
redis-py fills a table of some 170 response callbacks in each constructor: about a quarter of a
millisecond per call, several calls per API request (throttle, rollup queue, report versions).
A `redis.Redis` is safe to share: it only borrows connections from its pool per command.

Kept although it overrides private methods of Django's backend, for a measured reason
(2026-11-26, client CPU per `cache.get`, 7 x 500 calls alternated, loaded machine): Django's
client 0.81 ms, this one 0.35 ms. A cached report reads two or three keys (about a quarter of its
3.8 ms); a submission reads the rubric in force. Remove it when Django reuses its client.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
