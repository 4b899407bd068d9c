"""The SQLite store across real OS processes: created together, atomic across them, and durable against kill -9.

The processes are spawned, so that nothing is inherited but the file's path; a barrier starts the racing ones
together. What one process sees of the store is in test_kv_sqlite.py.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from storage.kv import SqliteStore
from tests.fakes.clock import FakeClock

WORKERS = 4
ROUND = 10  # keys the racing processes start together

_start_together: Barrier | None = None  # set in each pool process by _join_pool


def _join_pool(barrier: Barrier) -> None:
    global _start_together
    _start_together = barrier


def _wait_for_the_others() -> None:
    assert _start_together is not None
    _start_together.wait(timeout=60)


def _open_together(path: str, worker: int) -> bool:
    """In a pool process: open the store at the same moment as the others, and write."""
    _wait_for_the_others()

    async def open_and_write() -> bool:
        store = SqliteStore(Path(path), "race:")
        try:
            return await store.set_if_absent("first", f"w{worker}", ttl=None)
        finally:
            await store.close()

    return asyncio.run(open_and_write())


def _claim_all(path: str, worker: int, rounds: int) -> list[int]:
    """In a pool process: try to claim every key, the processes starting each round of keys together.

    Returns the indices this process won.
    """

    async def claim() -> list[int]:
        store = SqliteStore(Path(path), "race:")
        won: list[int] = []
        try:
            for start in range(0, rounds * ROUND, ROUND):
                await asyncio.to_thread(_wait_for_the_others)
                for i in range(start, start + ROUND):
                    if await store.set_if_absent(f"delivery:{i}", f"w{worker}", ttl=60):
                        won.append(i)
            return won
        finally:
            await store.close()

    return asyncio.run(claim())


def _count_up(path: str, rounds: int) -> list[int]:
    """In a pool process: increment one counter `ROUND` times a round, the processes starting each round together.

    Returns the values this process saw.
    """

    async def count() -> list[int]:
        store = SqliteStore(Path(path), "race:")
        seen: list[int] = []
        try:
            for _ in range(rounds):
                await asyncio.to_thread(_wait_for_the_others)
                seen += [await store.incr("hits", ttl=60) for _ in range(ROUND)]
            return seen
        finally:
            await store.close()

    return asyncio.run(count())


def _try_lock(path: str, now: float, owner: str) -> bool:
    """In a pool process whose wall clock reads ``now``: try to take the lock."""

    async def take() -> bool:
        store = SqliteStore(Path(path), "p:", clock=FakeClock(now))
        try:
            return await store.acquire_lock("balance-sync", owner, ttl=30)
        finally:
            await store.close()

    return asyncio.run(take())


def _write_until_killed(path: str, acks: Connection) -> None:
    """In a process of its own: write forever, telling the parent after each committed write."""

    async def write() -> None:
        store = SqliteStore(Path(path), "crash:")
        for i in range(1_000_000):
            await store.set(f"k{i}", str(i), ttl=3600)
            await store.list_push("log", str(i), max_length=20)
            acks.send(i)

    asyncio.run(write())


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_join_pool, initargs=(barrier,)) as executor:
        yield executor


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "kv.sqlite3"


async def test_several_processes_creating_the_file_at_once_all_open_it(path: Path, pool: ProcessPoolExecutor) -> None:
    loop = asyncio.get_running_loop()
    first = await asyncio.gather(*(loop.run_in_executor(pool, _open_together, str(path), w) for w in range(WORKERS)))
    assert first.count(True) == 1


async def test_set_if_absent_from_several_processes_has_exactly_one_winner_per_key(
    path: Path, pool: ProcessPoolExecutor
) -> None:
    rounds = 30
    loop = asyncio.get_running_loop()
    won = await asyncio.gather(*(loop.run_in_executor(pool, _claim_all, str(path), w, rounds) for w in range(WORKERS)))
    winners = [i for indices in won for i in indices]
    assert sorted(winners) == list(range(rounds * ROUND)), "every key won once, by one process"
    assert sum(1 for indices in won if indices) > 1, "the processes raced"
    store = SqliteStore(path, "race:")
    try:
        for worker, indices in enumerate(won):
            for i in indices[:20]:
                assert await store.get(f"delivery:{i}") == f"w{worker}"
    finally:
        await store.close()


async def test_incr_from_several_processes_loses_no_increment(path: Path, pool: ProcessPoolExecutor) -> None:
    rounds = 25
    loop = asyncio.get_running_loop()
    seen = await asyncio.gather(*(loop.run_in_executor(pool, _count_up, str(path), rounds) for _ in range(WORKERS)))
    total = WORKERS * rounds * ROUND
    assert sorted(value for values in seen for value in values) == list(range(1, total + 1))
    assert any(values[-1] - values[0] >= len(values) for values in seen), "the processes' increments interleaved"
    store = SqliteStore(path, "race:")
    try:
        assert await store.get("hits") == str(total)
    finally:
        await store.close()


async def test_a_lock_taken_in_one_process_is_refused_in_another_until_it_expires(
    path: Path, pool: ProcessPoolExecutor, clock: FakeClock
) -> None:
    store = SqliteStore(path, "p:", clock=clock)
    loop = asyncio.get_running_loop()
    try:
        assert await store.acquire_lock("balance-sync", "parent", ttl=30)
        assert not await loop.run_in_executor(pool, _try_lock, str(path), clock.now + 10, "child")
        assert await store.lock_owner("balance-sync") == "parent"
        # The child's wall clock is past the lock's expiry: the lock is free for it, whatever the parent's clock says.
        assert await loop.run_in_executor(pool, _try_lock, str(path), clock.now + 31, "child")
        clock.advance(31)
        assert await store.lock_owner("balance-sync") == "child"
        assert not await store.release_lock("balance-sync", "parent")
    finally:
        await store.close()


async def test_committed_writes_survive_sigkill_of_the_writer(path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    acks, child_end = context.Pipe(duplex=False)
    writer = context.Process(target=_write_until_killed, args=(str(path), child_end), daemon=True)
    writer.start()
    child_end.close()
    try:
        last = -1
        while last < 300:  # the writer is mid-stream when it dies
            assert await asyncio.to_thread(acks.poll, 60), "the writer stopped acknowledging"
            last = acks.recv()
    finally:
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)
    assert writer.exitcode == -signal.SIGKILL
    store = SqliteStore(path, "crash:")
    try:
        for i in range(last + 1):
            assert await store.get(f"k{i}") == str(i)
        logged = await store.list_range("log")
        assert len(logged) == 20 and int(logged[-1]) >= last
        await store.set("after", "1")  # the file is still writable
    finally:
        await store.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()
