"""One behaviour suite for every key-value backend: the in-process store, a SQLite file and a real Redis server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from storage.kv import InProcessStore, KeyTypeError, KeyValueStore, LockNotAcquired, RedisStore, SqliteStore, lock
from storage.kv.factory import create_store

# Redis keeps real time, so TTLs are short. A real sleep can only overshoot, so a check that a key is
# still alive leaves TTL / 2 of margin, while a check that it is gone needs only a little.
TTL = 0.2
PAST = 0.05

Advance = Callable[[float], Awaitable[None]]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


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
    """Let time pass: move the fake clock for the in-process and SQLite stores, really sleep for Redis."""

    async def advance(seconds: float) -> None:
        if isinstance(store, InProcessStore | SqliteStore):
            clock.now += seconds
        else:
            await asyncio.sleep(seconds)

    return advance


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


async def test_lock_waits_for_the_holder_to_release(store: KeyValueStore) -> None:
    assert await store.acquire_lock("sync", "other", ttl=30)

    async def release_soon() -> None:
        await asyncio.sleep(0.1)
        assert await store.release_lock("sync", "other")

    releaser = asyncio.create_task(release_soon())
    async with lock(store, "sync", ttl=30, owner="me", wait=2.0, poll_interval=0.02):
        assert releaser.done()
        assert await store.lock_owner("sync") == "me"
    await releaser


async def test_lock_gives_up_after_wait(store: KeyValueStore) -> None:
    assert await store.acquire_lock("sync", "other", ttl=30)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(LockNotAcquired) as raised:
        async with lock(store, "sync", ttl=30, wait=0.15, poll_interval=0.02):
            pytest.fail("entered a held lock")
    assert 0.15 <= loop.time() - started < 1.0
    assert raised.value.name == "sync"
    assert await store.lock_owner("sync") == "other"


async def test_list_push_keeps_the_last_items(store: KeyValueStore) -> None:
    lengths = [await store.list_push("turns", str(i), max_length=3) for i in range(5)]
    assert lengths == [1, 2, 3, 3, 3]
    assert await store.list_range("turns") == ["2", "3", "4"]
    assert await store.list_length("turns") == 3
    assert await store.list_length("missing") == 0
    assert await store.list_range("missing") == []
    with pytest.raises(ValueError):
        await store.list_push("turns", "x", max_length=0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, ["a"]),
        (1, 2, ["b", "c"]),
        (-2, -1, ["d", "e"]),
        (-100, 1, ["a", "b"]),
        (3, 100, ["d", "e"]),
        (4, 2, []),
        (5, 9, []),
        (0, -6, []),
    ],
)
async def test_list_range_follows_lrange(store: KeyValueStore, start: int, end: int, expected: list[str]) -> None:
    for item in "abcde":
        await store.list_push("letters", item, max_length=10)
    assert await store.list_range("letters", start, end) == expected


async def test_list_push_refreshes_a_given_ttl(store: KeyValueStore, advance: Advance) -> None:
    await store.list_push("session", "1", max_length=5, ttl=TTL)
    await advance(TTL * 0.75)
    await store.list_push("session", "2", max_length=5, ttl=TTL)
    await advance(TTL / 2)  # past the first expiry, well before the second
    assert await store.list_range("session") == ["1", "2"]
    # Without a ttl the current expiry is kept, not removed.
    await store.list_push("session", "3", max_length=5)
    assert await store.ttl("session") is not None
    await advance(TTL / 4 + PAST)
    assert await store.list_length("session") == 0


async def test_mixing_strings_and_lists_raises_key_type_error(store: KeyValueStore) -> None:
    await store.set("s", "text")
    await store.list_push("l", "item", max_length=3)
    with pytest.raises(KeyTypeError):
        await store.list_push("s", "x", max_length=3)
    with pytest.raises(KeyTypeError):
        await store.list_range("s")
    with pytest.raises(KeyTypeError):
        await store.get("l")
    with pytest.raises(KeyTypeError):
        await store.incr("l")
    assert await store.get("s") == "text"


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


async def test_a_queued_member_is_claimed_by_one_claimer_and_again_after_its_lease(
    store: KeyValueStore, advance: Advance
) -> None:
    assert await store.queue_add("inbox", "tg:1", '{"text": "안녕"}')
    assert not await store.queue_add("inbox", "tg:1", "another value")  # already queued: nothing changes
    claims = await asyncio.gather(*(store.queue_claim("inbox", lease=TTL) for _ in range(10)))
    winners = [claimed for batch in claims for claimed in batch]
    assert [(c.member, c.value, c.claims) for c in winners] == [("tg:1", '{"text": "안녕"}', 1)]
    assert await store.queue_claim("inbox", lease=TTL) == []  # leased
    await advance(TTL + PAST)
    again = await store.queue_claim("inbox", lease=TTL)
    assert [(c.member, c.claims) for c in again] == [("tg:1", 2)]  # the first claimer died: taken again
    assert await store.queue_length("inbox") == 1
    assert await store.queue_remove("inbox", "tg:1")
    assert not await store.queue_remove("inbox", "tg:1")
    assert await store.queue_length("inbox") == 0
    assert await store.queue_add("inbox", "tg:1", "queued again after it was done")


async def test_queue_claims_due_members_earliest_first_up_to_the_limit(store: KeyValueStore, advance: Advance) -> None:
    for number in range(5):
        await store.queue_add("q", f"m{number}", str(number))
        await advance(0.01)
    await store.queue_add("q", "later", "x", delay=10 * TTL)
    first = await store.queue_claim("q", lease=10 * TTL, limit=3)
    assert [c.member for c in first] == ["m0", "m1", "m2"]
    rest = await store.queue_claim("q", lease=10 * TTL, limit=10)
    assert [c.member for c in rest] == ["m3", "m4"]  # "later" is not due yet
    assert await store.queue_length("q") == 6


async def test_extending_a_lease_keeps_the_member_from_other_claimers(store: KeyValueStore, advance: Advance) -> None:
    await store.queue_add("q", "m", "v")
    assert len(await store.queue_claim("q", lease=TTL)) == 1
    await advance(TTL / 2)
    assert await store.queue_extend("q", "m", TTL)
    await advance(TTL / 2 + PAST)
    assert await store.queue_claim("q", lease=TTL) == []  # renewed: still held
    assert not await store.queue_extend("q", "missing", TTL)
    with pytest.raises(ValueError):
        await store.queue_claim("q", lease=0)


async def test_queues_are_isolated_by_prefix_and_name(store: KeyValueStore, peer: KeyValueStore) -> None:
    await store.queue_add("q", "m", "mine")
    assert await peer.queue_length("q") == 0 and await store.queue_length("other") == 0
    assert await peer.queue_claim("q", lease=TTL) == []
    assert await peer.queue_add("q", "m", "theirs")
    assert [c.value for c in await store.queue_claim("q", lease=TTL)] == ["mine"]


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
