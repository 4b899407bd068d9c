"""The key-value behaviour suite, continued: lists (a session's last turns) and lease queues (the inbox)."""

from __future__ import annotations

import asyncio

import pytest

from storage.kv import KeyTypeError, KeyValueStore
from tests.storage.kv_backends import PAST, TTL, Advance, advance, peer, store

__all__ = ["advance", "peer", "store"]


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
