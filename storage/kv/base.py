"""The key-value store contract shared by the Redis, SQLite and in-process backends, and the `lock` helper."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

logger = logging.getLogger(__name__)

Value = bytes | str
"""What a store accepts as a value; bytes are decoded as UTF-8 and every value comes back as str."""

LOCK_KEY_PREFIX = "lock:"
"""Locks live under ``lock:<name>`` in the store's own namespace."""


class KeyTypeError(TypeError):
    """The key holds the other kind of value: a list operation on a string key, or the reverse."""


class LockNotAcquired(RuntimeError):
    """`lock` gave up: another owner held the lock for the whole wait."""

    def __init__(self, name: str, wait: float) -> None:
        super().__init__(f"lock {name!r} not acquired within {wait:g} s")
        self.name = name
        self.wait = wait


@dataclass(frozen=True, slots=True)
class Claimed:
    """A queue member taken by `KeyValueStore.queue_claim`."""

    member: str
    value: str
    claims: int
    """Times it has been claimed, this claim included: above 1, an earlier claimer did not finish it."""


class KeyValueStore(Protocol):
    """Strings, counters, locks and short lists under a per-deployment key prefix.

    Every key is namespaced by the store's prefix, so two stores with different prefixes never see each
    other's keys. Values are stored as UTF-8 text. A TTL is a positive number of seconds (``ValueError``
    otherwise); ``None`` means the key never expires. An expired key behaves exactly like a missing one.
    Each operation is atomic with respect to every other caller of the same backend, other processes
    included for Redis and SQLite.
    """

    async def get(self, key: str) -> str | None:
        """The value of a string key, or None when it is missing or expired."""
        ...

    async def set(self, key: str, value: Value, ttl: float | None = None) -> None:
        """Write a string key, replacing its value and its expiry (``ttl=None`` removes any expiry)."""
        ...

    async def delete(self, *keys: str) -> int:
        """Remove keys of any kind; returns how many of them existed."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether the key (of any kind) exists and has not expired."""
        ...

    async def ttl(self, key: str) -> float | None:
        """Seconds until the key expires; None when it has no expiry or does not exist."""
        ...

    async def set_if_absent(self, key: str, value: Value, ttl: float | None) -> bool:
        """Write the key only when it does not exist; True when this call wrote it.

        Of any number of concurrent calls for one key, exactly one returns True (webhook de-duplication).
        """
        ...

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add ``amount`` to an integer key (a missing key counts as 0) and return the new value.

        ``ttl`` is applied only when this call creates the key; later calls never extend it, so a counter
        keyed by user serves as a fixed-window rate limit. Raises ``ValueError`` when the value is not an
        integer.
        """
        ...

    async def acquire_lock(self, name: str, owner: str, ttl: float) -> bool:
        """Take the lock for ``owner`` for ``ttl`` seconds; False when anyone, ``owner`` too, holds it."""
        ...

    async def release_lock(self, name: str, owner: str) -> bool:
        """Release the lock if ``owner`` holds it; False (and nothing changes) otherwise."""
        ...

    async def extend_lock(self, name: str, owner: str, ttl: float) -> bool:
        """Reset the lock's expiry to ``ttl`` seconds from now if ``owner`` holds it; False otherwise."""
        ...

    async def lock_owner(self, name: str) -> str | None:
        """The current owner of the lock, or None when it is free."""
        ...

    async def list_push(self, key: str, value: Value, max_length: int, ttl: float | None = None) -> int:
        """Append to the tail, keep only the last ``max_length`` items and return the new length.

        A given ``ttl`` resets the list's expiry; ``None`` keeps whatever expiry the list had.
        ``max_length`` must be at least 1.
        """
        ...

    async def list_range(self, key: str, start: int = 0, end: int = -1) -> list[str]:
        """Items ``start`` through ``end`` inclusive, negative indices counting from the tail (LRANGE).

        A missing key is an empty list; out-of-range indices are clipped, never an error.
        """
        ...

    async def list_length(self, key: str) -> int:
        """The number of items in the list; 0 when it is missing."""
        ...

    # A lease queue: members with a value and a due time. A claim leases the due members (they are due again
    # when the lease runs out, unless removed or extended first), so work taken by a process that dies is
    # taken again by another. Queues live apart from the keys above and share only the store's prefix.

    async def queue_add(self, queue: str, member: str, value: Value, delay: float = 0.0) -> bool:
        """Add ``member`` with ``value``, due ``delay`` seconds from now; False (nothing changes) when it is queued."""
        ...

    async def queue_claim(self, queue: str, lease: float, limit: int = 1) -> list[Claimed]:
        """Up to ``limit`` due members, earliest due first, each leased for ``lease`` seconds and its count of
        claims raised by one; every member goes to exactly one of any number of concurrent claimers."""
        ...

    async def queue_extend(self, queue: str, member: str, lease: float) -> bool:
        """Make a queued member due ``lease`` seconds from now (renew a lease); False when it is not queued."""
        ...

    async def queue_remove(self, queue: str, member: str) -> bool:
        """Take the member out of the queue (its work is done); False when it was not queued."""
        ...

    async def queue_length(self, queue: str) -> int:
        """Members in the queue, leased ones included."""
        ...

    async def close(self) -> None:
        """Release connections; the store must not be used afterwards."""
        ...


def check_ttl(ttl: float | None) -> float | None:
    """The TTL unchanged, or ``ValueError`` when it is not a positive number of seconds."""
    if ttl is not None and not ttl > 0:
        raise ValueError(f"ttl must be a positive number of seconds or None, not {ttl!r}")
    return ttl


def check_lease(lease: float, limit: int = 1) -> None:
    if not lease > 0 or limit < 1:
        raise ValueError(f"a lease must be positive and a limit at least 1, not {lease!r} and {limit!r}")


def check_max_length(max_length: int) -> int:
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length!r}")
    return max_length


def to_text(value: Value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@asynccontextmanager
async def renewing(
    extend: Callable[[], Awaitable[bool]],
    every: float,
    what: str,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> AsyncIterator[None]:
    """Call ``extend`` every ``every`` seconds while the block runs: a lease kept alive only as long as its holder.

    A holder that dies stops renewing, so its lease runs out within its ttl. A failed or refused renewal is logged
    (``what`` names the lease) and tried again; the block itself is never interrupted. ``sleep`` paces the renewals
    (tests pass a fake clock's).
    """

    async def keep() -> None:
        while True:
            await sleep(every)
            try:
                if not await extend():
                    logger.warning("%s: the lease was lost before its work ended", what)
            except Exception as error:
                logger.warning("%s: renewing the lease failed: %r", what, error)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


class Lock:
    """An owner-checked lock held through an ``async with`` block; build it with `lock`.

    Entering acquires, polling every ``poll_interval`` seconds until ``wait`` seconds have passed, and
    raises `LockNotAcquired` when that fails. Leaving releases, unless the lock has meanwhile expired and
    been taken by someone else. Long work inside the block calls `extend` before ``ttl`` runs out, or passes
    ``renew_every`` to have the lock renewed while the block runs (a lease: a dead holder's lock is gone
    within ``ttl``). ``clock`` (monotonic seconds) and ``sleep`` time the wait; tests pass a fake clock's.
    """

    def __init__(
        self,
        store: KeyValueStore,
        name: str,
        ttl: float,
        owner: str | None = None,
        wait: float = 0.0,
        poll_interval: float = 0.05,
        renew_every: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        check_ttl(ttl)
        if wait < 0 or poll_interval <= 0:
            raise ValueError("wait must be >= 0 and poll_interval > 0")
        if renew_every is not None and not 0 < renew_every < ttl:
            raise ValueError("renew_every must be positive and shorter than the ttl")
        self.store = store
        self.name = name
        self.ttl = ttl
        self.owner = owner or uuid.uuid4().hex
        self.wait = wait
        self.poll_interval = poll_interval
        self.renew_every = renew_every
        self.clock = clock
        self.sleep = sleep
        self._renewal: AbstractAsyncContextManager[None] | None = None

    async def acquire(self) -> bool:
        """Try until ``wait`` seconds have passed; True once held."""
        deadline = self.clock() + self.wait
        while True:
            if await self.store.acquire_lock(self.name, self.owner, self.ttl):
                return True
            remaining = deadline - self.clock()
            if remaining <= 0:
                return False
            await self.sleep(min(self.poll_interval, remaining))

    async def extend(self, ttl: float | None = None) -> bool:
        """Push the expiry to ``ttl`` (default: the lock's own ttl) from now; False when no longer held."""
        return await self.store.extend_lock(self.name, self.owner, self.ttl if ttl is None else ttl)

    async def release(self) -> bool:
        return await self.store.release_lock(self.name, self.owner)

    async def __aenter__(self) -> Lock:
        if not await self.acquire():
            raise LockNotAcquired(self.name, self.wait)
        if self.renew_every is not None:
            self._renewal = renewing(self.extend, self.renew_every, f"lock {self.name!r}", sleep=self.sleep)
            await self._renewal.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._renewal is not None:
            renewal, self._renewal = self._renewal, None
            await renewal.__aexit__(None, None, None)
        if not await self.release():
            # The work outlived the ttl: someone else may have run it concurrently.
            logger.warning("lock %r expired before its owner released it", self.name)


lock = Lock
"""``async with lock(store, "job:balance-sync", ttl=60) as held: ...``; the owner defaults to a fresh random id, so
two `lock` calls never share ownership."""
