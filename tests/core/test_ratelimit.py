"""Rate-limit counters: the same counting on every cache backend."""

import os
import time

import pytest

from xaso.core import ratelimit

pytestmark = pytest.mark.dates


@pytest.mark.django_db
def test_counts_within_the_window_on_the_configured_cache():
    ratelimit.reset("t:local")
    assert [ratelimit.hit("t:local", 60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("t:local") == 3


@pytest.fixture
def redis_cache():
    redis = pytest.importorskip("redis")
    url = os.environ.get("XASO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    from xaso.core.cache import RedisCache

    cache = RedisCache(url, {"KEY_PREFIX": f"t{os.getpid()}"})
    yield cache
    cache.clear()


def test_redis_counts_in_one_command_and_the_window_expires(redis_cache):
    assert [redis_cache.count_in_window("w", 1) for _ in range(3)] == [1, 2, 3]
    client = redis_cache._cache.get_client()
    assert 0 < client.ttl(redis_cache.make_and_validate_key("w")) <= 1
    time.sleep(1.2)
    assert redis_cache.count_in_window("w", 1) == 1  # a new window


def test_redis_counts_survive_a_flushed_script_cache(redis_cache):
    assert redis_cache.count_in_window("s", 60) == 1
    redis_cache._cache.get_client().script_flush()
    assert redis_cache.count_in_window("s", 60) == 2
