"""The durable inbox: deliveries stored before the 200, taken again after a dead worker's lease, answered once,
and a store that does not answer turned into a 503 the platform retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bots.channels.telegram import SECRET_HEADER
from bots.inbox import QUEUE, Delivery, Inbox
from dialogue.messages import Final, IncomingMessage, ReplyEvent
from storage.kv import InProcessStore, KeyValueStore, SqliteStore
from tests.bots.channels.conftest import (
    WEBHOOK_SECRET,
    ClientFactory,
    ScriptedEngine,
    channel_settings,
    drain,
    telegram_settings,
)
from tests.fakes.telegram_api import FakeTelegram, message_update

LEASE = 0.4


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class StuckEngine:
    """A model that never answers: the turns of a server that dies before they finish."""

    def __init__(self, expected: int) -> None:
        self.messages: list[IncomingMessage] = []
        self.expected = expected
        self.all_started = asyncio.Event()

    async def handle(self, message: IncomingMessage) -> AsyncIterator[ReplyEvent]:
        self.messages.append(message)
        if len(self.messages) >= self.expected:
            self.all_started.set()
        await asyncio.Event().wait()
        yield Final("never")


async def test_a_delivery_is_taken_again_after_its_lease_and_its_reply_is_sent_once() -> None:
    clock = FakeClock()
    kv = InProcessStore("t:", clock=clock)
    inbox = Inbox(kv, {"telegram": 60.0}, clock=clock, lease_s=LEASE)
    delivery = await inbox.accept("telegram", "7", {"update": {"update_id": 7}})
    assert delivery is not None
    assert await inbox.accept("telegram", "7", {"update": {}}) is None  # queued: a repeat is dropped
    assert len(await kv.queue_claim(QUEUE, LEASE)) == 1
    first = inbox.gate("telegram", "7")
    assert await first.opens()  # the first worker shows a draft, then dies before its final message
    clock.now += LEASE + 0.01
    (again,) = await kv.queue_claim(QUEUE, LEASE)
    second = inbox.gate("telegram", "7")
    assert await second.opens(), "a reply cut off mid-stream is answered in full"
    await second.delivered()  # the second worker sends its reply, then dies
    clock.now += LEASE + 0.01
    (again,) = await kv.queue_claim(QUEUE, LEASE)
    taken = Delivery.from_claim(again)
    assert (taken.delivery_id, taken.claims, taken.payload) == ("7", 3, {"update": {"update_id": 7}})
    assert not await inbox.gate("telegram", "7").opens()  # the third worker sends nothing more
    await inbox.finish(taken)
    assert await inbox.depth() == 0
    assert await inbox.accept("telegram", "7", {"update": {}}) is None  # done: still a repeat for the window
    clock.now += 61
    assert await inbox.accept("telegram", "7", {"update": {}}) is not None


async def test_a_failing_delivery_is_retried_then_given_up(tmp_path: Path) -> None:
    kv = SqliteStore(tmp_path / "kv.sqlite3", "t:")
    seen: list[str] = []
    given_up = asyncio.Event()

    def observe(channel: str, outcome: str) -> None:
        seen.append(outcome)
        if outcome == "done":
            given_up.set()

    inbox = Inbox(kv, {"x": 60.0}, observe=observe, lease_s=0.2)

    async def fails(delivery: Delivery) -> None:
        raise RuntimeError("boom")

    inbox.handle("x", fails)
    await inbox.accept("x", "1", {})
    worker = asyncio.create_task(inbox.run())
    try:
        await asyncio.wait_for(given_up.wait(), 10)
        await inbox.drain()
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        await kv.close()
    assert seen.count("failed") == 4 and seen.count("retried") == 4 and seen[-1] == "done"


async def test_updates_of_a_server_that_died_mid_turn_are_answered_once_by_the_next(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    kv = SqliteStore(tmp_path / "kv.sqlite3", "t:")
    settings = channel_settings(tmp_path, telegram=telegram_settings(telegram), channels={"lease_s": LEASE})
    updates = [message_update(f"메시지 {n}", chat_id=2000 + n, update_id=5000 + n) for n in range(6)]
    stuck = StuckEngine(len(updates))
    first = await make_client(settings, dialogue=stuck, kv=kv)
    await telegram.wait_for("getMe")
    for update in updates:
        response = await first.post("/telegram/webhook", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
        assert response.status == 200
    await asyncio.wait_for(stuck.all_started.wait(), 10)
    await first.close()  # the server goes away mid-turn, its deliveries leased and unfinished
    second = await make_client(settings, kv=kv)
    for update in updates[:2]:  # Telegram delivers two of them again meanwhile
        response = await second.post("/telegram/webhook", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
        assert response.status == 200
    await telegram.wait_for("sendMessage", len(updates), within=15)
    await drain(second)  # every delivery worked off: nothing more comes
    answered = sorted(call.params["chat_id"] for call in telegram.calls_to("sendMessage"))
    assert answered == sorted(2000 + n for n in range(6))
    assert sorted(message.delivery_id or "" for message in engine.messages) == [str(5000 + n) for n in range(6)]
    await kv.close()


class UnreachableStore(InProcessStore):
    async def queue_add(self, *args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("the store does not answer")


async def test_a_store_that_does_not_answer_is_a_503_for_the_platform_to_retry(
    make_client: ClientFactory, tmp_path: Path, telegram: FakeTelegram, engine: ScriptedEngine
) -> None:
    kv: KeyValueStore = UnreachableStore("t:")
    client = await make_client(channel_settings(tmp_path, telegram=telegram_settings(telegram)), kv=kv)
    await telegram.wait_for("getMe")
    response = await client.post(
        "/telegram/webhook", json=message_update("안녕"), headers={SECRET_HEADER: WEBHOOK_SECRET}
    )
    assert response.status == 503
    metrics = await (await client.get("/metrics")).text()
    assert 'kkini_inbox_events_total{channel="telegram",outcome="unavailable"} 1.0' in metrics
    assert engine.messages == []


async def test_a_dead_turns_lock_holds_the_conversation_for_a_lease_not_the_turn_timeout(tmp_path: Path) -> None:
    from storage.kv import lock

    kv = SqliteStore(tmp_path / "kv.sqlite3", "t:")
    try:
        assert await kv.acquire_lock("turn:telegram:1", "dead-process", LEASE)  # taken, never renewed
        started = asyncio.get_running_loop().time()
        async with lock(kv, "turn:telegram:1", ttl=LEASE, wait=30, renew_every=LEASE / 3):
            waited = asyncio.get_running_loop().time() - started
            await asyncio.sleep(LEASE * 2)  # renewed while held: nobody else gets it
            assert not await kv.acquire_lock("turn:telegram:1", "another", LEASE)
        assert waited < LEASE * 3
    finally:
        await kv.close()
