"""Choose the key-value backend from settings."""

from __future__ import annotations

from storage.kv.base import KeyValueStore
from storage.kv.memory import InProcessStore
from storage.kv.redis import RedisStore


def create_store(redis_url: str | None, prefix: str) -> KeyValueStore:
    """A `RedisStore` when ``redis_url`` is given, else an `InProcessStore`; both under ``prefix``.

    Nothing connects yet: the Redis client opens connections on first use.
    """
    if redis_url:
        return RedisStore.from_url(redis_url, prefix)
    return InProcessStore(prefix)
