"""Django's Redis cache, keeping one Redis client per connection pool.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` object for
every cache operation. With redis-py 5+ that construction (it fills a table of
some 170 response callbacks) costs about as much CPU as the round trip to Redis
itself; on the hottest public reads (the commune card behind the API and the
commune home page) it was a sixth of the request's time in the application.

A ``redis.Redis`` client is safe to share: it holds no connection of its own and
takes one from its pool for each command. Keys, values, timeouts and pools are
exactly Django's; only the client object is reused.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a reused client."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
