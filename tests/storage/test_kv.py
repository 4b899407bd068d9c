"""One behaviour suite for every key-value backend (strings, expiry, counters, locks, prefixes), and the factory."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage.kv import InProcessStore, KeyValueStore, LockNotAcquired, RedisStore, SqliteStore, lock
from storage.kv.factory import create_store
from tests.fakes.clock import FakeClock
from tests.storage.kv_backends import PAST, TTL, Advance, advance, peer, store

__all__ = ["advance", "peer", "store"]


async def test_set_get_delete_exists(store: KeyValueStore) -> None:
    assert await store.get("missing") is None
    await store.set("k", "v")
    await store.set("b", b"bytes")
    assert await store.get("k") == "v"
    assert await store.get("b") == "bytes"
    assert await store.exists("k")
    assert not await store.exists("missing")
    await store.set("k", "v2")
    assert await store.get("k") == "v2"
    assert await store.delete("k", "b", "missing") == 2
    assert await store.delete() == 0
    assert await store.get("k") is None
    assert not await store.exists("k")


async def test_korean_keys_and_values_round_trip(store: KeyValueStore) -> None:
    await store.set("메뉴:오늘", "김밥 한 줄, 떡볶이 🍢")
    await store.set("인코딩", "불고기버거 세트".encode())
    assert await store.get("메뉴:오늘") == "김밥 한 줄, 떡볶이 🍢"
    assert await store.get("인코딩") == "불고기버거 세트"
    await store.list_push("대화", "안녕하세요", max_length=5)
    await store.list_push("대화", "잔액이 얼마예요?".encode(), max_length=5)
    assert await store.list_range("대화") == ["안녕하세요", "잔액이 얼마예요?"]


async def test_keys_expire_after_their_ttl(store: KeyValueStore, advance: Advance) -> None:
    await store.set("short", "x", ttl=TTL)
    await store.set("forever", "y")
    remaining = await store.ttl("short")
    assert remaining is not None and TTL / 2 < remaining <= TTL + 1e-6
    assert await store.ttl("forever") is None
    assert await store.ttl("missing") is None
    await advance(TTL / 2)
    assert await store.get("short") == "x"
    await advance(TTL / 2 + PAST)
    assert await store.get("short") is None
    assert not await store.exists("short")
    assert await store.ttl("short") is None
    assert await store.get("forever") == "y"


async def test_set_without_ttl_removes_the_expiry(store: KeyValueStore, advance: Advance) -> None:
    await store.set("k", "1", ttl=TTL)
    await store.set("k", "2")
    await advance(TTL + PAST)
    assert await store.get("k") == "2"
    assert await store.ttl("k") is None


@pytest.mark.parametrize("ttl", [0, -1.0])
async def test_non_positive_ttl_is_rejected(store: KeyValueStore, ttl: float) -> None:
    with pytest.raises(ValueError):
        await store.set("k", "v", ttl=ttl)
    with pytest.raises(ValueError):
        await store.acquire_lock("job", "me", ttl=ttl)


async def test_set_if_absent_lets_exactly_one_of_many_concurrent_callers_win(store: KeyValueStore) -> None:
    results = await asyncio.gather(*(store.set_if_absent("delivery:42", f"w{i}", ttl=60) for i in range(50)))
    assert results.count(True) == 1
    winner = results.index(True)
    assert await store.get("delivery:42") == f"w{winner}"
    assert not await store.set_if_absent("delivery:42", "late", ttl=None)


async def test_set_if_absent_succeeds_again_once_the_key_expired(store: KeyValueStore, advance: Advance) -> None:
    assert await store.set_if_absent("seen", "1", ttl=TTL)
    await advance(TTL + PAST)
    assert await store.set_if_absent("seen", "2", ttl=TTL)
    assert await store.get("seen") == "2"


async def test_concurrent_incr_loses_no_update(store: KeyValueStore) -> None:
    results = await asyncio.gather(*(store.incr("hits") for _ in range(100)))
    assert sorted(results) == list(range(1, 101))
    assert await store.get("hits") == "100"
    assert await store.incr("hits", amount=-30) == 70


async def test_incr_sets_ttl_only_when_it_creates_the_key(store: KeyValueStore, advance: Advance) -> None:
    assert await store.incr("rate:u1", ttl=TTL) == 1
    await advance(TTL / 2)
    # A later call inside the window must not push the window's end out.
    assert await store.incr("rate:u1", ttl=TTL) == 2
    await advance(TTL / 2 + PAST)
    assert await store.get("rate:u1") is None
    assert await store.incr("rate:u1", ttl=TTL) == 1
    await store.set("plain", "5")
    assert await store.incr("plain", ttl=TTL) == 6
    assert await store.ttl("plain") is None


async def test_incr_of_a_non_integer_raises_value_error(store: KeyValueStore) -> None:
    await store.set("name", "kimbap")
    with pytest.raises(ValueError):
        await store.incr("name")
    assert await store.get("name") == "kimbap"


async def test_only_the_owner_releases_or_extends_a_lock(store: KeyValueStore) -> None:
    assert await store.lock_owner("job") is None
    assert await store.acquire_lock("job", "alice", ttl=30)
    assert not await store.acquire_lock("job", "bob", ttl=30)
    assert not await store.acquire_lock("job", "alice", ttl=30)
    assert await store.lock_owner("job") == "alice"
    assert not await store.release_lock("job", "bob")
    assert not await store.extend_lock("job", "bob", ttl=60)
    assert await store.lock_owner("job") == "alice"
    assert await store.extend_lock("job", "alice", ttl=60)
    remaining = await store.ttl("lock:job")
    assert remaining is not None and remaining > 30
    assert await store.release_lock("job", "alice")
    assert await store.lock_owner("job") is None
    assert not await store.release_lock("job", "alice")
    assert not await store.extend_lock("job", "alice", ttl=60)


async def test_an_expired_lock_goes_to_the_next_owner(store: KeyValueStore, advance: Advance) -> None:
    assert await store.acquire_lock("job", "alice", ttl=TTL)
    await advance(TTL + PAST)
    assert await store.lock_owner("job") is None
    assert await store.acquire_lock("job", "bob", ttl=30)
    assert not await store.release_lock("job", "alice")
    assert not await store.extend_lock("job", "alice", ttl=30)
    assert await store.lock_owner("job") == "bob"


async def test_extend_keeps_a_lock_past_its_first_ttl(store: KeyValueStore, advance: Advance) -> None:
    assert await store.acquire_lock("job", "alice", ttl=TTL)
    await advance(TTL * 0.75)
    assert await store.extend_lock("job", "alice", ttl=TTL)
    await advance(TTL / 2)  # past the first expiry, well before the second
    assert await store.lock_owner("job") == "alice"


async def test_lock_context_manager_holds_and_releases(store: KeyValueStore) -> None:
    async with lock(store, "sync", ttl=30) as held:
        assert await store.lock_owner("sync") == held.owner
        with pytest.raises(LockNotAcquired):
            async with lock(store, "sync", ttl=30):
                pytest.fail("a second holder entered")
        assert await held.extend()
    assert await store.lock_owner("sync") is None

    with pytest.raises(RuntimeError, match="boom"):
        async with lock(store, "sync", ttl=30, owner="worker-1"):
            raise RuntimeError("boom")
    assert await store.lock_owner("sync") is None


async def test_lock_waits_for_the_holder_to_release(store: KeyValueStore, clock: FakeClock) -> None:
    assert await store.acquire_lock("sync", "other", ttl=30)

    async def take() -> str | None:
        async with lock(store, "sync", ttl=30, owner="me", wait=10, poll_interval=1, clock=clock, sleep=clock.sleep):
            return await store.lock_owner("sync")

    taking = asyncio.create_task(take())
    await clock.sleeping()  # it found the lock held and waits to try again
    assert await store.release_lock("sync", "other")
    clock.advance(1)
    assert await taking == "me"
    assert clock.slept == [1]
    assert await store.lock_owner("sync") is None


async def test_lock_gives_up_after_wait(store: KeyValueStore, clock: FakeClock) -> None:
    assert await store.acquire_lock("sync", "other", ttl=30)
    clock.autojump = True
    with pytest.raises(LockNotAcquired) as raised:
        async with lock(store, "sync", ttl=30, wait=3, poll_interval=1, clock=clock, sleep=clock.sleep):
            pytest.fail("entered a held lock")
    assert clock.slept == [1, 1, 1] and clock.now == 1003
    assert raised.value.name == "sync"
    assert await store.lock_owner("sync") == "other"


async def test_prefixes_isolate_stores_on_one_backend(store: KeyValueStore, peer: KeyValueStore) -> None:
    await store.set("shared-name", "from a")
    await store.list_push("list", "a", max_length=3)
    assert await store.acquire_lock("job", "a-owner", ttl=30)
    assert await peer.get("shared-name") is None
    assert not await peer.exists("shared-name")
    assert await peer.list_range("list") == []
    assert await peer.lock_owner("job") is None
    assert await peer.acquire_lock("job", "b-owner", ttl=30)
    await peer.set("shared-name", "from b")
    assert await peer.delete("shared-name") == 1
    assert await store.get("shared-name") == "from a"
    assert await store.lock_owner("job") == "a-owner"


async def test_in_process_sweep_drops_expired_keys_without_reads(clock: FakeClock) -> None:
    kv = InProcessStore("t:", clock=clock)
    for i in range(100):
        await kv.set(f"dedup:{i}", "1", ttl=10)
    await kv.list_push("turns", "x", max_length=3, ttl=10)
    await kv.set("keep", "1")
    assert kv.entry_count() == 102
    clock.now += 11
    # Nobody reads the expired keys again; one unrelated write must still clear them out.
    await kv.set("other", "1", ttl=100)
    assert kv.entry_count() == 2
    assert await kv.get("keep") == "1"


async def test_in_process_expiry_heap_stays_bounded_under_rewrites(clock: FakeClock) -> None:
    kv = InProcessStore(clock=clock)
    for i in range(10_000):
        await kv.set("session", str(i), ttl=3600)
    assert kv.entry_count() == 1
    assert len(kv._space.expiries) <= 2 * kv.entry_count() + 64


async def test_create_store_without_url_is_sqlite_at_the_path(tmp_path: Path) -> None:
    embedded = create_store(None, "p:", path=tmp_path / "data" / "kv.sqlite3")
    try:
        assert isinstance(embedded, SqliteStore) and embedded.prefix == "p:"
        assert not (tmp_path / "data").exists(), "nothing is opened before the first operation"
        await embedded.set("k", "v")
        assert (tmp_path / "data" / "kv.sqlite3").is_file()
    finally:
        await embedded.close()


@pytest.mark.redis
async def test_create_store_with_url_is_redis(redis_server: str, redis_prefix: str, tmp_path: Path) -> None:
    remote = create_store(redis_server, redis_prefix, path=tmp_path / "unused.sqlite3")
    try:
        assert isinstance(remote, RedisStore)
        await remote.set("k", "v")
        assert await remote.get("k") == "v"
    finally:
        await remote.close()
