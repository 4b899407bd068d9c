"""The key-value backends the behaviour suites run on: the in-process store, a SQLite file and a real Redis server.

Import the fixtures into a test module (``from tests.storage.kv_backends import advance, peer, store``); the fake
clock is the suite's ``clock`` fixture.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from storage.kv import InProcessStore, KeyValueStore, RedisStore, SqliteStore
from tests.fakes.clock import FakeClock

# Redis keeps real time, so TTLs are short. A real sleep can only overshoot, so a check that a key is
# still alive leaves TTL / 2 of margin, while a check that it is gone needs only a little.
TTL = 0.2
PAST = 0.05

Advance = Callable[[float], Awaitable[None]]
"""Lets ``seconds`` pass for the store under test."""


@pytest.fixture(params=["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
async def store(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> AsyncIterator[KeyValueStore]:
    backend: KeyValueStore
    if request.param == "memory":
        backend = InProcessStore("a:", clock=clock)
    elif request.param == "sqlite":
        backend = SqliteStore(tmp_path / "kv.sqlite3", "a:", clock=clock)
    else:
        backend = RedisStore.from_url(
            request.getfixturevalue("redis_server"), request.getfixturevalue("redis_prefix") + "a:"
        )
    yield backend
    await backend.close()


@pytest.fixture
async def peer(request: pytest.FixtureRequest, store: KeyValueStore, clock: FakeClock) -> AsyncIterator[KeyValueStore]:
    """Another store on the same backend under a different prefix."""
    other: KeyValueStore
    if isinstance(store, InProcessStore):
        other = store.sibling("b:")
    elif isinstance(store, SqliteStore):
        other = SqliteStore(store.path, "b:", clock=clock)
    else:
        other = RedisStore.from_url(
            request.getfixturevalue("redis_server"), request.getfixturevalue("redis_prefix") + "b:"
        )
    yield other
    await other.close()


@pytest.fixture
def advance(store: KeyValueStore, clock: FakeClock) -> Advance:
    """Let time pass: move the fake clock for the in-process and SQLite stores; Redis expires keys and leases on its
    own clock, which no client can move, so for Redis this is the one real wait of the suite."""

    async def advance(seconds: float) -> None:
        if isinstance(store, InProcessStore | SqliteStore):
            clock.advance(seconds)
        else:
            await asyncio.sleep(seconds)

    return advance
