"""web.redis_cache: Django's Redis cache, with one client per server kept (docs/performance.md)."""

import os

import pytest
import redis

from web.redis_cache import RedisCache

DEAD = "redis://127.0.0.1:1/0"  # nothing listens there: every call fails, the client is built all the same


def test_cache_calls_share_one_redis_client(monkeypatch):
    """Django's backend built a redis.Redis (and its ~170 response callbacks) on every call."""
    built = []
    original = redis.Redis.__init__
    monkeypatch.setattr(redis.Redis, "__init__", lambda self, *a, **k: built.append(1) or original(self, *a, **k))
    cache = RedisCache(DEAD, {"OPTIONS": {"socket_connect_timeout": 0.05, "socket_timeout": 0.05}})
    for call in (lambda: cache.get("a"), lambda: cache.set("a", "b"), lambda: cache.get_many(["a", "b"])) * 3:
        with pytest.raises(redis.exceptions.ConnectionError):
            call()
    assert len(built) == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as deployed")
def test_the_kept_client_reads_and_writes_and_recovers_after_a_dropped_connection():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-redis-cache", "OPTIONS": {"socket_timeout": 1}})
    cache.set("k", "<p>un</p>", 30)
    assert cache.get("k") == "<p>un</p>"
    client = cache._cache.get_client()
    client.client_kill_filter(_id=client.client_id())  # Redis drops this connection, as a restart would
    cache.set("k", "<p>deux</p>", 30)  # redis-py reconnects on the next command
    assert cache.get("k") == "<p>deux</p>"
    assert cache._cache.get_client() is client
    cache.delete("k")
