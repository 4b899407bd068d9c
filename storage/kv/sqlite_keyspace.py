"""The synchronous core of `SqliteStore`: one connection to the file, expiry on the store's clock, the sweep.

`SqliteStore` runs each operation on its own thread through a `Keyspace`; the statements every operation shares
(`UPSERT`, the `ALIVE` condition) and the decoding of a row's value live here too.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from storage.kv.base import KeyTypeError
from storage.kv.sqlite_file import LIST, STRING, immediate, open_file

logger = logging.getLogger(__name__)

SWEEP_EVERY_S = 1.0
SWEEP_BATCH = 500

ALIVE = "(expires_at IS NULL OR expires_at > :now)"
UPSERT = (
    "INSERT INTO entries (key, kind, value, expires_at) VALUES (:key, :kind, :value, :expires_at) "
    "ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, value = excluded.value, expires_at = excluded.expires_at"
)


class Keyspace:
    """The synchronous core of `SqliteStore` over one connection; only the store's own thread calls it."""

    def __init__(self, path: Path, clock: Callable[[], float], busy_timeout: float) -> None:
        self.clock = clock
        self.next_sweep_at = float("-inf")
        self.conn = open_file(path, busy_timeout)

    def immediate(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction holding the file's write lock from its start."""
        return immediate(self.conn)

    def row(self, key: str) -> tuple[str, str, float | None] | None:
        """(kind, value, expires_at) of a live key."""
        found = self.conn.execute(
            f"SELECT kind, value, expires_at FROM entries WHERE key = :key AND {ALIVE}",
            {"key": key, "now": self.clock()},
        ).fetchone()
        return None if found is None else (found[0], found[1], found[2])

    def expiry(self, ttl: float | None) -> float | None:
        return None if ttl is None else self.clock() + ttl

    def wrote(self) -> None:
        """Called after every write: sweep expired rows when one is due."""
        now = self.clock()
        if now < self.next_sweep_at:
            return
        try:
            removed = self.sweep(now)
        except sqlite3.OperationalError as error:
            # The write itself is committed; a sweep that found the file busy is tried again on the next write.
            logger.warning("key-value sweep skipped: %s", error)
            return
        if removed:
            logger.debug("key-value sweep removed %d expired rows", removed)
        # A full batch means more are waiting: sweep again on the next write instead of in a second.
        self.next_sweep_at = now if removed >= SWEEP_BATCH else now + SWEEP_EVERY_S

    def sweep(self, now: float | None = None) -> int:
        """Delete up to `SWEEP_BATCH` expired rows, oldest expiry first, through the expiry index."""
        cursor = self.conn.execute(
            "DELETE FROM entries WHERE rowid IN "
            "(SELECT rowid FROM entries WHERE expires_at <= :now ORDER BY expires_at LIMIT :batch)",
            {"now": self.clock() if now is None else now, "batch": SWEEP_BATCH},
        )
        return cursor.rowcount

    def close(self) -> None:
        self.conn.close()


def list_items(key: str, row: tuple[str, str, float | None] | None) -> list[str] | None:
    if row is None:
        return None
    if row[0] != LIST:
        raise KeyTypeError(f"{key!r} holds a string, not a list")
    items: list[str] = json.loads(row[1])
    return items


def string_value(key: str, row: tuple[str, str, float | None] | None) -> str | None:
    if row is None:
        return None
    if row[0] != STRING:
        raise KeyTypeError(f"{key!r} holds a list, not a string")
    return row[1]
