"""`InProcessStore`: a key-value store in a dict of this process, for tests and benchmarks.

Every operation runs without an ``await`` between reading and writing, so on one event loop each is atomic.
Expired keys vanish on access; a heap of expiry times lets each write also drop keys that expired
unread, so memory stays bounded by the keys that are still alive.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(slots=True)
class _Entry:
    value: str | list[str]
    expires_at: float | None = None


@dataclass(slots=True)
class _Queued:
    value: str
    due: float
    claims: int = 0


class _Keyspace:
    """The data shared by an `InProcessStore` and its siblings."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.entries: dict[str, _Entry] = {}
        self.queues: dict[str, dict[str, _Queued]] = {}
        # (expires_at, key) pairs; a pair goes stale when its key is rewritten, and is skipped when popped.
        self.expiries: list[tuple[float, str]] = []

    def live(self, key: str) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is not None and entry.expires_at is not None and entry.expires_at <= self.clock():
            del self.entries[key]
            return None
        return entry

    def put(self, key: str, value: str | list[str], ttl: float | None) -> _Entry:
        entry = _Entry(value)
        self.entries[key] = entry
        self.expire(key, entry, ttl)
        return entry

    def expire(self, key: str, entry: _Entry, ttl: float | None) -> None:
        """Set the entry's expiry (``None``: never) and sweep."""
        if ttl is None:
            entry.expires_at = None
        else:
            entry.expires_at = self.clock() + ttl
            heapq.heappush(self.expiries, (entry.expires_at, key))
        self.sweep()

    def sweep(self) -> int:
        """Drop every expired entry; O(1) when nothing has expired, so it is run on every write."""
        now = self.clock()
        removed = 0
        while self.expiries and self.expiries[0][0] <= now:
            _, key = heapq.heappop(self.expiries)
            entry = self.entries.get(key)
            if entry is not None and entry.expires_at is not None and entry.expires_at <= now:
                del self.entries[key]
                removed += 1
        # Keys rewritten with longer or no expiry leave stale pairs; rebuild before they outnumber the keys.
        if len(self.expiries) > 2 * len(self.entries) + 64:
            self.expiries = [(e.expires_at, k) for k, e in self.entries.items() if e.expires_at is not None]
            heapq.heapify(self.expiries)
        return removed


class InProcessStore:
    """A `KeyValueStore` for a single process on a single event loop.

    ``clock`` returns monotonic seconds; tests pass a fake one to move time. Keys are stored as
    ``prefix + key``; `sibling` gives a store under another prefix over the same data.
    """

    def __init__(self, prefix: str = "", *, clock: Callable[[], float] = time.monotonic) -> None:
        self._prefix = prefix
        self._space = _Keyspace(clock)

    @property
    def prefix(self) -> str:
        return self._prefix

    def sibling(self, prefix: str) -> InProcessStore:
        """A store over the same in-process data under another prefix."""
        other = InProcessStore(prefix, clock=self._space.clock)
        other._space = self._space
        return other

    def entry_count(self) -> int:
        """Entries held in memory across all prefixes, expired ones not yet swept included."""
        return len(self._space.entries)

    def sweep(self) -> int:
        """Drop expired entries now; returns how many. Writes already do this as they go."""
        return self._space.sweep()

    def _live(self, key: str) -> _Entry | None:
        return self._space.live(self._prefix + key)

    def _string(self, key: str) -> _Entry | None:
        entry = self._live(key)
        if entry is not None and not isinstance(entry.value, str):
            raise KeyTypeError(f"{key!r} holds a list, not a string")
        return entry

    def _list(self, key: str) -> list[str] | None:
        entry = self._live(key)
        if entry is None:
            return None
        if not isinstance(entry.value, list):
            raise KeyTypeError(f"{key!r} holds a string, not a list")
        return entry.value

    async def get(self, key: str) -> str | None:
        entry = self._string(key)
        return None if entry is None else str(entry.value)

    async def set(self, key: str, value: Value, ttl: float | None = None) -> None:
        self._space.put(self._prefix + key, to_text(value), check_ttl(ttl))

    async def delete(self, *keys: str) -> int:
        removed = 0
        for key in keys:
            if self._live(key) is not None:
                del self._space.entries[self._prefix + key]
                removed += 1
        return removed

    async def exists(self, key: str) -> bool:
        return self._live(key) is not None

    async def ttl(self, key: str) -> float | None:
        entry = self._live(key)
        if entry is None or entry.expires_at is None:
            return None
        return entry.expires_at - self._space.clock()

    async def set_if_absent(self, key: str, value: Value, ttl: float | None) -> bool:
        check_ttl(ttl)
        if self._live(key) is not None:
            return False
        self._space.put(self._prefix + key, to_text(value), ttl)
        return True

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        entry = self._string(key)
        if entry is None:
            self._space.put(self._prefix + key, str(amount), ttl)
            return amount
        try:
            total = int(str(entry.value)) + amount
        except ValueError:
            raise ValueError(f"{key!r} does not hold an integer") from None
        entry.value = str(total)
        self._space.sweep()
        return total

    async def acquire_lock(self, name: str, owner: str, ttl: float) -> bool:
        return await self.set_if_absent(LOCK_KEY_PREFIX + name, owner, check_ttl(ttl))

    async def release_lock(self, name: str, owner: str) -> bool:
        if await self.lock_owner(name) != owner:
            return False
        del self._space.entries[self._prefix + LOCK_KEY_PREFIX + name]
        return True

    async def extend_lock(self, name: str, owner: str, ttl: float) -> bool:
        check_ttl(ttl)
        key = LOCK_KEY_PREFIX + name
        entry = self._live(key)
        if entry is None or entry.value != owner:
            return False
        self._space.expire(self._prefix + key, entry, ttl)
        return True

    async def lock_owner(self, name: str) -> str | None:
        entry = self._live(LOCK_KEY_PREFIX + name)
        return entry.value if entry is not None and isinstance(entry.value, str) else None

    async def list_push(self, key: str, value: Value, max_length: int, ttl: float | None = None) -> int:
        check_ttl(ttl)
        check_max_length(max_length)
        items = self._list(key)
        if items is None:
            self._space.put(self._prefix + key, [to_text(value)], ttl)
            return 1
        items.append(to_text(value))
        del items[:-max_length]
        if ttl is not None:
            self._space.expire(self._prefix + key, self._space.entries[self._prefix + key], ttl)
        else:
            self._space.sweep()
        return len(items)

    async def list_range(self, key: str, start: int = 0, end: int = -1) -> list[str]:
        items = self._list(key) or []
        size = len(items)
        start = max(start + size, 0) if start < 0 else start
        end = min(end + size if end < 0 else end, size - 1)
        return items[start : end + 1] if start <= end else []

    async def list_length(self, key: str) -> int:
        return len(self._list(key) or [])

    def _queue(self, queue: str) -> dict[str, _Queued]:
        return self._space.queues.setdefault(self._prefix + queue, {})

    async def queue_add(self, queue: str, member: str, value: Value, delay: float = 0.0) -> bool:
        items = self._queue(queue)
        if member in items:
            return False
        items[member] = _Queued(to_text(value), self._space.clock() + max(0.0, delay))
        return True

    async def queue_claim(self, queue: str, lease: float, limit: int = 1) -> list[Claimed]:
        check_lease(lease, limit)
        now = self._space.clock()
        items = self._queue(queue)
        due = sorted((item.due, member) for member, item in items.items() if item.due <= now)[:limit]
        claimed: list[Claimed] = []
        for _, member in due:
            item = items[member]
            item.due = now + lease
            item.claims += 1
            claimed.append(Claimed(member, item.value, item.claims))
        return claimed

    async def queue_extend(self, queue: str, member: str, lease: float) -> bool:
        check_lease(lease)
        item = self._queue(queue).get(member)
        if item is None:
            return False
        item.due = self._space.clock() + lease
        return True

    async def queue_remove(self, queue: str, member: str) -> bool:
        return self._queue(queue).pop(member, None) is not None

    async def queue_length(self, queue: str) -> int:
        return len(self._queue(queue))

    async def close(self) -> None:
        """Nothing to release; the data stays for siblings and goes with the process."""
