"""What only the SQLite store promises: its own versioned WAL file, shared by stores, swept, and refused when foreign.

The behaviour every backend shares is in test_kv.py; the store across real OS processes (racing, killed) is in
test_kv_sqlite_processes.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.kv import KeyTypeError, NotAKeyValueFile, SqliteStore
from storage.kv.sqlite import SWEEP_BATCH
from storage.kv.sqlite_file import APPLICATION_ID, SCHEMA_VERSION, UPGRADES
from tests.fakes.clock import FakeClock


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "kv.sqlite3"


@pytest.fixture
async def store(path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(path, "p:")
    yield opened
    await opened.close()


async def test_first_use_creates_the_folder_and_a_versioned_wal_file(path: Path, store: SqliteStore) -> None:
    assert not path.parent.exists()
    await store.set("k", "v")
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


async def test_values_are_stored_as_text_and_lists_as_json(path: Path, store: SqliteStore) -> None:
    await store.set("greeting", "안녕하세요".encode())
    await store.list_push("turns", "김밥", max_length=5)
    await store.list_push("turns", '떡볶이 "매운맛"', max_length=5)
    raw = sqlite3.connect(path)
    try:
        rows = dict(raw.execute("SELECT key, value FROM entries WHERE typeof(value) = 'text'").fetchall())
    finally:
        raw.close()
    assert rows == {"p:greeting": "안녕하세요", "p:turns": '["김밥", "떡볶이 \\"매운맛\\""]'}


async def test_two_stores_on_one_file_see_each_others_writes(path: Path, store: SqliteStore) -> None:
    other = SqliteStore(path, "p:")
    try:
        await store.set("session", '{"turns": 1}', ttl=60)
        assert await other.get("session") == '{"turns": 1}'
        await other.list_push("turns", "1", max_length=3)
        await store.list_push("turns", "2", max_length=3)
        assert await other.list_range("turns") == ["1", "2"]
        assert await store.incr("hits") == 1
        assert await other.incr("hits") == 2
        assert await store.acquire_lock("job", "a", ttl=30)
        assert not await other.acquire_lock("job", "b", ttl=30)
        assert await other.lock_owner("job") == "a"
        assert await other.delete("session") == 1
        assert await store.get("session") is None
        with pytest.raises(KeyTypeError):
            await other.get("turns")
    finally:
        await other.close()


async def test_keys_and_their_expiry_survive_a_restart(path: Path, clock: FakeClock) -> None:
    first = SqliteStore(path, "p:", clock=clock)
    await first.set("cart", "[1, 2]", ttl=60)
    await first.set("forever", "x")
    await first.close()
    clock.now += 20
    second = SqliteStore(path, "p:", clock=clock)
    try:
        assert await second.get("cart") == "[1, 2]"
        assert await second.ttl("cart") == pytest.approx(40)
        clock.now += 41
        assert await second.get("cart") is None
        assert await second.get("forever") == "x"
    finally:
        await second.close()


def _rows(path: Path) -> int:
    raw = sqlite3.connect(path)
    try:
        return int(raw.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        raw.close()


async def test_writes_sweep_expired_rows_a_batch_at_a_time(path: Path, clock: FakeClock) -> None:
    store = SqliteStore(path, "p:", clock=clock)
    try:
        expiring = SWEEP_BATCH * 2 + 100
        for i in range(expiring):
            await store.set_if_absent(f"dedup:{i}", "1", ttl=10)
        await store.set("keep", "1")
        assert _rows(path) == expiring + 1
        clock.now += 11
        # Nobody reads the expired keys again; unrelated writes must still clear them out, a bounded batch each.
        await store.set("other", "1", ttl=100)
        assert _rows(path) == expiring + 2 - SWEEP_BATCH
        await store.incr("hits")
        await store.list_push("turns", "x", max_length=3)
        assert _rows(path) == 4
        assert await store.get("keep") == "1"
        assert await store.sweep() == 0
    finally:
        await store.close()
    raw = sqlite3.connect(path)
    try:
        plan = raw.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM entries WHERE expires_at <= 1 ORDER BY expires_at LIMIT 10"
        ).fetchall()
    finally:
        raw.close()
    assert any("entries_by_expiry" in str(step) for step in plan)


async def test_a_busy_file_is_waited_for_without_blocking_the_event_loop(path: Path, store: SqliteStore) -> None:
    await store.set("before", "1")
    reader = SqliteStore(path, "p:")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        write = asyncio.create_task(store.set("during", "2"))
        loop = asyncio.get_running_loop()
        started = loop.time()
        # WAL: reads go on while the write lock is held, and the loop keeps running while the write waits.
        assert await reader.get("before") == "1"
        assert not write.done()  # and cannot be, while the lock is held
        assert loop.time() - started < 1.0
        holder.execute("COMMIT")
        await asyncio.wait_for(write, timeout=5)
        assert await reader.get("during") == "2"
    finally:
        holder.close()
        await reader.close()


async def test_a_sqlite_file_of_another_application_is_refused(path: Path) -> None:
    path.parent.mkdir(parents=True)
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    raw.commit()
    raw.close()
    store = SqliteStore(path, "p:")
    try:
        with pytest.raises(NotAKeyValueFile, match="another application"):
            await store.get("k")
        with pytest.raises(NotAKeyValueFile):
            await store.set("k", "v")
    finally:
        await store.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT name FROM sqlite_master").fetchall() == [("users",)]
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete", "the file is left as it was"
    finally:
        raw.close()


async def test_a_file_that_is_not_sqlite_or_is_from_a_newer_kkini_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("점심 메뉴: 김밥\n" * 200, encoding="utf-8")
    newer = tmp_path / "newer.sqlite3"
    raw = sqlite3.connect(newer)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.execute("CREATE TABLE entries (key TEXT PRIMARY KEY)")
    raw.commit()
    raw.close()
    for target, message in [(text, "not a kkini key-value file"), (newer, f"version {SCHEMA_VERSION + 1}")]:
        store = SqliteStore(target, "p:")
        try:
            with pytest.raises(NotAKeyValueFile, match=message) as raised:
                await store.exists("k")
            assert str(target) in str(raised.value)
        finally:
            await store.close()


async def test_close_twice_is_harmless_and_use_after_close_is_an_error(path: Path) -> None:
    store = SqliteStore(path, "p:")
    await store.set("k", "v")
    await store.close()
    await store.close()
    with pytest.raises(RuntimeError, match="closed"):
        await store.get("k")
    never_opened = SqliteStore(path.with_name("never.sqlite3"))
    await never_opened.close()
    assert not path.with_name("never.sqlite3").exists()


async def test_a_file_of_the_first_schema_is_upgraded_in_place_and_keeps_its_keys(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in UPGRADES[0].split(";"):  # what a kkini before queues wrote
        if statement.strip():
            raw.execute(statement)
    raw.execute("INSERT INTO entries (key, kind, value, expires_at) VALUES ('p:session', 'string', '{}', NULL)")
    raw.close()
    store = SqliteStore(path, "p:")
    try:
        assert await store.get("session") == "{}"
        assert await store.queue_add("inbox", "m", "v")
        assert await store.queue_length("inbox") == 1
    finally:
        await store.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    finally:
        raw.close()
