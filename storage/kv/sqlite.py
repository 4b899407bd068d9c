"""`SqliteStore`: the embedded default key-value store, one SQLite file shared by every kkini process on the machine.

``kkini serve``, ``kkini worker``, ``kkini chat`` and ``kkini cart show`` open the same file at once and see one
keyspace, and it outlives them: sessions, carts, de-duplication keys, locks and rate limits survive a restart.

- **Atomic across processes.** Every operation is one statement or one ``BEGIN IMMEDIATE`` transaction, so SQLite's
  write lock orders it against every other connection to the file. A busy file is waited for (``busy_timeout``),
  not reported as an error.
- **Durable against a crash of the process.** The file is in WAL mode with ``synchronous=NORMAL``: a committed
  write survives ``kill -9`` of the writer; a power cut may lose the last commits, never the file's consistency.
  WAL needs the file on a local disk (not a network share).
- **Off the event loop.** Each store owns one connection on one thread of its own; a coroutine waits for its
  statement without blocking the loop, even while another process holds the write lock.
- **Wall-clock expiry.** Expiry times are Unix seconds from ``clock`` (tests pass a fake one), so they hold across
  restarts and processes. An expired row reads as missing; writes sweep expired rows, at most `SWEEP_BATCH` at a
  time and at most once per `SWEEP_EVERY_S` unless the last sweep found a full batch, through an index on expiry.
- **Text only.** Strings are stored as text, lists as a JSON array of strings; nothing is pickled.

Scaling past one machine is Redis' job (`RedisStore`); this store is for one host.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from storage.kv.base import (
    LOCK_KEY_PREFIX,
    Claimed,
    Value,
    check_lease,
    check_max_length,
    check_ttl,
    to_text,
)
from storage.kv.sqlite_file import LIST, STRING
from storage.kv.sqlite_keyspace import ALIVE, SWEEP_BATCH, SWEEP_EVERY_S, UPSERT, Keyspace, list_items, string_value

__all__ = ["SWEEP_BATCH", "SWEEP_EVERY_S", "SqliteStore"]


T = TypeVar("T")


class SqliteStore:
    """A `KeyValueStore` in one SQLite file; every key is written as ``prefix + key``.

    Nothing is opened until the first operation, which creates the folder, the file and its schema as needed and
    raises `NotAKeyValueFile` for a file that is not one. ``clock`` returns Unix seconds. `close` closes the
    connection and ends the thread; calling it again does nothing.
    """

    def __init__(
        self,
        path: Path,
        prefix: str = "",
        *,
        clock: Callable[[], float] = time.time,
        busy_timeout: float = 5.0,
    ) -> None:
        self._path = path
        self._prefix = prefix
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._space: Keyspace | None = None
        self._closed = False
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kkini-kv")

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def path(self) -> Path:
        return self._path

    def _open(self) -> Keyspace:
        if self._space is None:
            self._space = Keyspace(self._path, self._clock, self._busy_timeout)
        return self._space

    async def _run(self, work: Callable[[Keyspace], T]) -> T:
        if self._closed:
            raise RuntimeError(f"the key-value store at {self._path} is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, lambda: work(self._open()))

    async def sweep(self) -> int:
        """Drop up to `SWEEP_BATCH` expired rows now; returns how many. Writes already do this as they go."""
        return await self._run(lambda space: space.sweep())

    async def get(self, key: str) -> str | None:
        return await self._run(lambda space: string_value(key, space.row(self._prefix + key)))

    async def set(self, key: str, value: Value, ttl: float | None = None) -> None:
        text, ttl = to_text(value), check_ttl(ttl)

        def write(space: Keyspace) -> None:
            params = {"key": self._prefix + key, "kind": STRING, "value": text, "expires_at": space.expiry(ttl)}
            space.conn.execute(UPSERT, params)
            space.wrote()

        await self._run(write)

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        full = list(dict.fromkeys(self._prefix + key for key in keys))
        marks = ", ".join("?" * len(full))

        def remove(space: Keyspace) -> int:
            now = space.clock()
            expiries = space.conn.execute(f"DELETE FROM entries WHERE key IN ({marks}) RETURNING expires_at", full)
            return sum(1 for (expires_at,) in expiries if expires_at is None or expires_at > now)

        return await self._run(remove)

    async def exists(self, key: str) -> bool:
        return await self._run(lambda space: space.row(self._prefix + key) is not None)

    async def ttl(self, key: str) -> float | None:
        def remaining(space: Keyspace) -> float | None:
            row = space.row(self._prefix + key)
            return None if row is None or row[2] is None else row[2] - space.clock()

        return await self._run(remaining)

    async def set_if_absent(self, key: str, value: Value, ttl: float | None) -> bool:
        text, ttl = to_text(value), check_ttl(ttl)

        def claim(space: Keyspace) -> bool:
            # One statement: insert, or take over a row only when it has expired; rowcount says which happened.
            cursor = space.conn.execute(
                UPSERT + " WHERE entries.expires_at IS NOT NULL AND entries.expires_at <= :now",
                {
                    "key": self._prefix + key,
                    "kind": STRING,
                    "value": text,
                    "expires_at": space.expiry(ttl),
                    "now": space.clock(),
                },
            )
            space.wrote()
            return cursor.rowcount == 1

        return await self._run(claim)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        full = self._prefix + key

        def add(space: Keyspace) -> int:
            with space.immediate() as conn:
                row = space.row(full)
                current = string_value(key, row)
                if current is None:
                    conn.execute(
                        UPSERT, {"key": full, "kind": STRING, "value": str(amount), "expires_at": space.expiry(ttl)}
                    )
                    total = amount
                else:
                    try:
                        total = int(current) + amount
                    except ValueError:
                        raise ValueError(f"{key!r} does not hold an integer") from None
                    conn.execute("UPDATE entries SET value = ? WHERE key = ?", (str(total), full))
            space.wrote()
            return total

        return await self._run(add)

    async def acquire_lock(self, name: str, owner: str, ttl: float) -> bool:
        return await self.set_if_absent(LOCK_KEY_PREFIX + name, owner, check_ttl(ttl))

    async def release_lock(self, name: str, owner: str) -> bool:
        def release(space: Keyspace) -> bool:
            cursor = space.conn.execute(
                f"DELETE FROM entries WHERE key = :key AND kind = '{STRING}' AND value = :owner AND {ALIVE}",
                {"key": self._prefix + LOCK_KEY_PREFIX + name, "owner": owner, "now": space.clock()},
            )
            return cursor.rowcount == 1

        return await self._run(release)

    async def extend_lock(self, name: str, owner: str, ttl: float) -> bool:
        check_ttl(ttl)

        def extend(space: Keyspace) -> bool:
            cursor = space.conn.execute(
                f"UPDATE entries SET expires_at = :expires_at "
                f"WHERE key = :key AND kind = '{STRING}' AND value = :owner AND {ALIVE}",
                {
                    "key": self._prefix + LOCK_KEY_PREFIX + name,
                    "owner": owner,
                    "expires_at": space.expiry(ttl),
                    "now": space.clock(),
                },
            )
            space.wrote()
            return cursor.rowcount == 1

        return await self._run(extend)

    async def lock_owner(self, name: str) -> str | None:
        def owner(space: Keyspace) -> str | None:
            row = space.row(self._prefix + LOCK_KEY_PREFIX + name)
            return row[1] if row is not None and row[0] == STRING else None

        return await self._run(owner)

    async def list_push(self, key: str, value: Value, max_length: int, ttl: float | None = None) -> int:
        text, ttl = to_text(value), check_ttl(ttl)
        check_max_length(max_length)
        full = self._prefix + key

        def push(space: Keyspace) -> int:
            with space.immediate() as conn:
                row = space.row(full)
                items = list_items(key, row) or []
                items.append(text)
                del items[:-max_length]
                # No ttl keeps the list's expiry; a list that was missing (or expired) starts without one.
                expires_at = space.expiry(ttl) if ttl is not None else (row[2] if row is not None else None)
                conn.execute(
                    UPSERT,
                    {
                        "key": full,
                        "kind": LIST,
                        "value": json.dumps(items, ensure_ascii=False),
                        "expires_at": expires_at,
                    },
                )
            space.wrote()
            return len(items)

        return await self._run(push)

    async def list_range(self, key: str, start: int = 0, end: int = -1) -> list[str]:
        items = await self._run(lambda space: list_items(key, space.row(self._prefix + key))) or []
        size = len(items)
        start = max(start + size, 0) if start < 0 else start
        end = min(end + size if end < 0 else end, size - 1)
        return items[start : end + 1] if start <= end else []

    async def list_length(self, key: str) -> int:
        items = await self._run(lambda space: list_items(key, space.row(self._prefix + key)))
        return 0 if items is None else len(items)

    async def queue_add(self, queue: str, member: str, value: Value, delay: float = 0.0) -> bool:
        text = to_text(value)

        def add(space: Keyspace) -> bool:
            cursor = space.conn.execute(
                "INSERT INTO queue_items (queue, member, value, due) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (queue, member) DO NOTHING",
                (self._prefix + queue, member, text, space.clock() + max(0.0, delay)),
            )
            return cursor.rowcount == 1

        return await self._run(add)

    async def queue_claim(self, queue: str, lease: float, limit: int = 1) -> list[Claimed]:
        check_lease(lease, limit)
        name = self._prefix + queue

        def claim(space: Keyspace) -> list[Claimed]:
            now = space.clock()
            with space.immediate() as conn:
                rows = conn.execute(
                    "SELECT member, value, claims FROM queue_items WHERE queue = ? AND due <= ? "
                    "ORDER BY due, member LIMIT ?",
                    (name, now, limit),
                ).fetchall()
                conn.executemany(
                    "UPDATE queue_items SET due = ?, claims = claims + 1 WHERE queue = ? AND member = ?",
                    [(now + lease, name, member) for member, _, _ in rows],
                )
            return [Claimed(member, value, claims + 1) for member, value, claims in rows]

        return await self._run(claim)

    async def queue_extend(self, queue: str, member: str, lease: float) -> bool:
        check_lease(lease)

        def extend(space: Keyspace) -> bool:
            cursor = space.conn.execute(
                "UPDATE queue_items SET due = ? WHERE queue = ? AND member = ?",
                (space.clock() + lease, self._prefix + queue, member),
            )
            return cursor.rowcount == 1

        return await self._run(extend)

    async def queue_remove(self, queue: str, member: str) -> bool:
        def remove(space: Keyspace) -> bool:
            cursor = space.conn.execute(
                "DELETE FROM queue_items WHERE queue = ? AND member = ?", (self._prefix + queue, member)
            )
            return cursor.rowcount == 1

        return await self._run(remove)

    async def queue_length(self, queue: str) -> int:
        def count(space: Keyspace) -> int:
            (total,) = space.conn.execute(
                "SELECT count(*) FROM queue_items WHERE queue = ?", (self._prefix + queue,)
            ).fetchone()
            return int(total)

        return await self._run(count)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        space, self._space = self._space, None
        if space is not None:
            await asyncio.get_running_loop().run_in_executor(self._thread, space.close)
        self._thread.shutdown(wait=False)
