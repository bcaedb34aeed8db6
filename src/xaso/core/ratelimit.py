"""Counters in the shared cache for rate limits and lock-outs.

The cache is the database (single machine) or Redis (several app processes), so
every process sees the same counts.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache


def hit(key: str, window_seconds: int) -> int:
    """Count one event under ``key`` in a fixed window; returns the count so far."""
    full = f"rl:{key}"
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:  # the Redis cache: one round trip
        return count_in_window(full, window_seconds)
    if cache.add(full, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(full)
    except ValueError:  # expired between add() and incr()
        cache.add(full, 1, timeout=window_seconds)
        return 1


def count(key: str) -> int:
    return int(cache.get(f"rl:{key}", 0))


def reset(key: str) -> None:
    cache.delete(f"rl:{key}")


def lock(key: str, seconds: int) -> None:
    # The value is when the lock ends, so a refusal can say how long to wait.
    cache.set(f"lock:{key}", time.time() + seconds, timeout=seconds)


def is_locked(key: str) -> bool:
    return bool(cache.get(f"lock:{key}"))


def locked_for(key: str) -> int:
    """Whole seconds until the lock on ``key`` ends (at least 1), or 0 when not locked."""
    until = cache.get(f"lock:{key}")
    if not until:
        return 0
    return max(1, math.ceil(float(until) - time.time()))


def unlock(key: str) -> None:
    cache.delete(f"lock:{key}")
