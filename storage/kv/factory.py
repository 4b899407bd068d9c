"""Choose the key-value backend from settings."""

from __future__ import annotations

from pathlib import Path

from storage.kv.base import KeyValueStore
from storage.kv.redis import RedisStore
from storage.kv.sqlite import SqliteStore


def create_store(
    redis_url: str | None,
    prefix: str,
    *,
    path: Path,
    max_connections: int = 50,
    pool_timeout: float = 5.0,
) -> KeyValueStore:
    """A `RedisStore` when ``redis_url`` is given, else a `SqliteStore` in the file at ``path``; both under ``prefix``.

    Nothing connects yet: the Redis client opens connections on first use (at most ``max_connections``, a command
    waiting up to ``pool_timeout`` seconds for a free one), and so does the SQLite store (creating the folder, the
    file and its schema the first time).
    """
    if redis_url:
        return RedisStore.from_url(redis_url, prefix, max_connections=max_connections, pool_timeout=pool_timeout)
    return SqliteStore(path, prefix)
