"""`RedisStore`: the key-value store shared by every replica, over redis-py's asyncio client."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis.asyncio
from redis.exceptions import ResponseError

from storage.kv.base import (
    LOCK_KEY_PREFIX,
    Claimed,
    KeyTypeError,
    Value,
    check_lease,
    check_max_length,
    check_ttl,
    to_text,
)

# KEYS[1] the lock, ARGV[1] the owner.
_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS[1] the lock, ARGV[1] the owner, ARGV[2] the new ttl in milliseconds.
_EXTEND_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS[1] the counter, ARGV[1] the amount, ARGV[2] the ttl in milliseconds or '' for none.
_INCR_TTL_ON_CREATE = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
"""


# KEYS[1] the queue (sorted set of member by due time), KEYS[2] values (hash), KEYS[3] claims (hash);
# ARGV[1] member, ARGV[2] value, ARGV[3] delay in seconds. Times come from the server's clock, shared by all replicas.
_QUEUE_ADD = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
    return 0
end
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], t[1] + t[2] / 1000000 + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], 0)
return 1
"""

# KEYS as above; ARGV[1] the lease in seconds, ARGV[2] the most members to claim. Returns member, value, claims, ...
_QUEUE_CLAIM = """
local t = redis.call('TIME')
local now = t[1] + t[2] / 1000000
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for _, member in ipairs(due) do
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), member)
    local claims = redis.call('HINCRBY', KEYS[3], member, 1)
    table.insert(claimed, member)
    table.insert(claimed, redis.call('HGET', KEYS[2], member) or '')
    table.insert(claimed, claims)
end
return claimed
"""

# KEYS[1] the queue; ARGV[1] member, ARGV[2] the lease in seconds.
_QUEUE_EXTEND = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
    return 0
end
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', t[1] + t[2] / 1000000 + tonumber(ARGV[2]), ARGV[1])
return 1
"""

# KEYS as for add; ARGV[1] member.
_QUEUE_REMOVE = """
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return removed
"""


class WaitingPool(redis.asyncio.BlockingConnectionPool):
    """A bounded pool in which a command waits (up to ``timeout``) for a free connection instead of failing at once,
    and tells ``observer`` how long each wait took (the metrics' pool-wait histogram)."""

    def __init__(self, *args: Any, observer: Callable[[float], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observer = observer

    async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return await super().get_connection(*args, **kwargs)
        finally:
            if self.observer is not None:
                self.observer(time.monotonic() - started)


def _millis(ttl: float) -> int:
    # Round up so that a tiny positive ttl never becomes 0 ms, which Redis rejects.
    return max(1, math.ceil(ttl * 1000))


def _px(ttl: float | None) -> int | None:
    ttl = check_ttl(ttl)
    return None if ttl is None else _millis(ttl)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


@contextmanager
def _redis_errors(key: str) -> Iterator[None]:
    """Raise Redis' type and integer errors as the ones the `KeyValueStore` contract names."""
    try:
        yield
    except ResponseError as error:
        message = str(error)
        if "WRONGTYPE" in message:
            raise KeyTypeError(f"{key!r} holds another kind of value") from error
        if "not an integer" in message:
            raise ValueError(f"{key!r} does not hold an integer") from error
        raise


class RedisStore:
    """A `KeyValueStore` in Redis; every key is written as ``prefix + key``.

    Values come back as str whether or not the client was built with ``decode_responses``.
    `close` closes the client, so the store owns it.
    """

    def __init__(self, client: redis.asyncio.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._release_lock = client.register_script(_RELEASE_LOCK)
        self._extend_lock = client.register_script(_EXTEND_LOCK)
        self._incr = client.register_script(_INCR_TTL_ON_CREATE)
        self._queue_add = client.register_script(_QUEUE_ADD)
        self._queue_claim = client.register_script(_QUEUE_CLAIM)
        self._queue_extend = client.register_script(_QUEUE_EXTEND)
        self._queue_remove = client.register_script(_QUEUE_REMOVE)

    @classmethod
    def from_url(
        cls,
        url: str,
        prefix: str,
        *,
        max_connections: int = 50,
        pool_timeout: float = 5.0,
        on_pool_wait: Callable[[float], None] | None = None,
    ) -> RedisStore:
        """A store over a new client for ``url`` with a pool of at most ``max_connections``: a command that finds
        them all busy waits up to ``pool_timeout`` seconds for one (then ConnectionError), timed by ``on_pool_wait``."""
        pool = WaitingPool.from_url(
            url,
            max_connections=max_connections,
            timeout=pool_timeout,
            decode_responses=True,
            observer=on_pool_wait,
        )
        return cls(redis.asyncio.Redis.from_pool(pool), prefix)

    @property
    def prefix(self) -> str:
        return self._prefix

    def observe_pool_waits(self, observer: Callable[[float], None]) -> None:
        """Report how long each command waits for a pooled connection (with a pool from `from_url`)."""
        pool = self._client.connection_pool
        if isinstance(pool, WaitingPool):
            pool.observer = observer

    def _key(self, key: str) -> str:
        return self._prefix + key

    async def get(self, key: str) -> str | None:
        with _redis_errors(key):
            value = await self._client.get(self._key(key))
        return None if value is None else _text(value)

    async def set(self, key: str, value: Value, ttl: float | None = None) -> None:
        await self._client.set(self._key(key), to_text(value), px=_px(ttl))

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        return int(await self._client.delete(*(self._key(key) for key in keys)))

    async def exists(self, key: str) -> bool:
        return bool(await self._client.exists(self._key(key)))

    async def ttl(self, key: str) -> float | None:
        millis = int(await self._client.pttl(self._key(key)))
        # -2: no such key, -1: no expiry.
        return None if millis < 0 else millis / 1000

    async def set_if_absent(self, key: str, value: Value, ttl: float | None) -> bool:
        return bool(await self._client.set(self._key(key), to_text(value), nx=True, px=_px(ttl)))

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        px = _px(ttl)
        with _redis_errors(key):
            return int(await self._incr(keys=[self._key(key)], args=[amount, "" if px is None else px]))

    async def acquire_lock(self, name: str, owner: str, ttl: float) -> bool:
        return await self.set_if_absent(LOCK_KEY_PREFIX + name, owner, check_ttl(ttl))

    async def release_lock(self, name: str, owner: str) -> bool:
        with _redis_errors(LOCK_KEY_PREFIX + name):
            return bool(await self._release_lock(keys=[self._key(LOCK_KEY_PREFIX + name)], args=[owner]))

    async def extend_lock(self, name: str, owner: str, ttl: float) -> bool:
        check_ttl(ttl)
        with _redis_errors(LOCK_KEY_PREFIX + name):
            extended = await self._extend_lock(keys=[self._key(LOCK_KEY_PREFIX + name)], args=[owner, _millis(ttl)])
        return bool(extended)

    async def lock_owner(self, name: str) -> str | None:
        try:
            return await self.get(LOCK_KEY_PREFIX + name)
        except KeyTypeError:
            return None

    async def list_push(self, key: str, value: Value, max_length: int, ttl: float | None = None) -> int:
        check_ttl(ttl)
        check_max_length(max_length)
        full_key = self._key(key)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.rpush(full_key, to_text(value))
            pipe.ltrim(full_key, -max_length, -1)
            if ttl is not None:
                pipe.pexpire(full_key, _millis(ttl))
            with _redis_errors(key):
                results = await pipe.execute()
        return min(int(results[0]), max_length)

    async def list_range(self, key: str, start: int = 0, end: int = -1) -> list[str]:
        with _redis_errors(key):
            items = await self._client.lrange(self._key(key), start, end)
        return [_text(item) for item in items]

    async def list_length(self, key: str) -> int:
        with _redis_errors(key):
            return int(await self._client.llen(self._key(key)))

    def _queue_keys(self, queue: str) -> list[str]:
        return [self._key(f"q:{queue}"), self._key(f"qv:{queue}"), self._key(f"qc:{queue}")]

    async def queue_add(self, queue: str, member: str, value: Value, delay: float = 0.0) -> bool:
        added = await self._queue_add(keys=self._queue_keys(queue), args=[member, to_text(value), max(0.0, delay)])
        return bool(added)

    async def queue_claim(self, queue: str, lease: float, limit: int = 1) -> list[Claimed]:
        check_lease(lease, limit)
        flat = await self._queue_claim(keys=self._queue_keys(queue), args=[lease, limit])
        return [Claimed(_text(flat[i]), _text(flat[i + 1]), int(flat[i + 2])) for i in range(0, len(flat), 3)]

    async def queue_extend(self, queue: str, member: str, lease: float) -> bool:
        check_lease(lease)
        return bool(await self._queue_extend(keys=self._queue_keys(queue)[:1], args=[member, lease]))

    async def queue_remove(self, queue: str, member: str) -> bool:
        return bool(await self._queue_remove(keys=self._queue_keys(queue), args=[member]))

    async def queue_length(self, queue: str) -> int:
        return int(await self._client.zcard(self._key(f"q:{queue}")))

    async def close(self) -> None:
        await self._client.aclose()
