"""Django's Redis cache backend, with one Redis client per server kept instead of one built per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every cache call, over
the connection pool it keeps. redis-py (8.x) fills a table of about 170 response callbacks in
each new client: about 0.3 ms of CPU per cache call, more than the round trip to Redis itself,
paid by every poll that looks for shared HTML (docs/performance.md, "One Redis client per
process"). A ``redis.Redis`` is safe to share between threads (each command takes a connection
from the pool), and its pool notices a fork and opens new connections in the child, so one
client per server and process serves every call. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

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
