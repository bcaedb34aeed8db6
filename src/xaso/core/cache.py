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


# INCR, and start the window on the first hit: atomic, one command.
_COUNT_IN_WINDOW = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a reused client."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._scripts = {}

    def count_in_window(self, key: str, window_seconds: int) -> int:
        """Add one to a counter that lives ``window_seconds`` from its first hit, in one
        round trip (Django's add() + incr() take two or three)."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(_COUNT_IN_WINDOW)
        return int(script(keys=[key], args=[window_seconds]))


class LocalMemo:
    """A few seconds of memory in each worker in front of the shared cache.

    For public, rarely-changing reads (a commune's card and home page) the round trip
    to Redis is most of a request's cost. A change made through one worker drops its
    own copy at once; other workers see it within ``ttl`` seconds.
    """

    def __init__(self, ttl: float = 5.0, max_items: int = 4096):
        self.ttl = ttl
        self.max_items = max_items
        self._items: dict[str, tuple[float, object]] = {}

    def get(self, key: str):
        import time

        hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def set(self, key: str, value) -> None:
        import time

        if len(self._items) >= self.max_items:
            self._items.clear()
        self._items[key] = (time.monotonic() + self.ttl, value)

    def delete(self, key: str) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()


#: The memo shared by the public reads of this process.
memo = LocalMemo()
