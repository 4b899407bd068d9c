"""Outbox delivery: end to end through the fake Telegram Bot API, retries, the dead letter, quiet hours, crashes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import select

from bots.channels.notifiers import TelegramNotifier
from bots.settings import TelegramSettings
from jobs.delivery import ChannelRateLimit, NotifyDeliverJob
from jobs.notices.low_balance import LowBalanceNotices
from jobs.notifier import DeliveryError, Notifier
from jobs.settings import NotifySettings
from storage.database import Database
from storage.hours import SEOUL
from storage.kv import InProcessStore
from storage.models import MealCard, Notification, User
from storage.repositories.outbox import NewNotice, OutboxRepository
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.jobs.support import RecordingNotifier, build_world

SETTINGS = NotifySettings(retry_base_s=30, max_attempts=3, lease_s=120)


class SimulatedCrash(BaseException):
    """The worker dies here: nothing after this point runs, no handler catches it."""


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def notifier(telegram: FakeTelegram, kv: InProcessStore) -> AsyncIterator[TelegramNotifier]:
    made = TelegramNotifier(TelegramSettings(token=SecretStr(TOKEN), api_base_url=telegram.url), kv)
    yield made
    await made.aclose()


def deliverer(
    db: Database, kv: InProcessStore, notifier: Notifier, clock: FakeClock, settings: NotifySettings = SETTINGS
) -> NotifyDeliverJob:
    return NotifyDeliverJob(db, kv, {notifier.channel: notifier}, settings, clock=clock.utc, budget_s=30)


async def outbox(db: Database) -> list[Notification]:
    async with db.session() as session:
        return list((await session.exec(select(Notification).order_by(Notification.id))).all())  # type: ignore[arg-type]


async def enqueue(db: Database, user_ids: list[int], at: datetime, count: int = 1) -> None:
    notices = [
        NewNotice(user_id, "test", f"test:{user_id}:{n}", f"알림 {user_id}-{n}", at, {})
        for user_id in user_ids
        for n in range(count)
    ]
    async with db.session() as session:
        assert await OutboxRepository(session).enqueue(notices, at) == len(notices)


async def test_a_low_balance_notice_reaches_telegram_once(
    db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    await build_world(db, balance=4_300)
    await LowBalanceNotices(db, SETTINGS, clock.utc).sweep()
    counts = await deliverer(db, kv, notifier, clock)()
    assert counts == {"sent": 1}
    [call] = telegram.calls_to("sendMessage")
    assert call.params["chat_id"] == 9001
    assert "4,300원 남았어요" in call.params["text"] and "참치김밥 3,500원" in call.params["text"]
    buttons = [row[0]["text"] for row in call.params["reply_markup"]["inline_keyboard"]]
    assert buttons == ["4,300원으로 먹을 곳", "알림 끄기"]
    [notice] = await outbox(db)
    assert notice.status == "sent" and notice.sent_at == clock.utc() and notice.attempts == 1
    assert notice.claimed_by is None
    assert await deliverer(db, kv, notifier, clock)() == {}
    assert len(telegram.calls_to("sendMessage")) == 1


async def test_quiet_hours_hold_everything_until_morning(
    db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())
    clock.set(datetime(2026, 11, 24, 23, 0, tzinfo=SEOUL))
    assert await deliverer(db, kv, notifier, clock)() == {}
    clock.set(datetime(2026, 11, 25, 7, 59, tzinfo=SEOUL))
    assert await deliverer(db, kv, notifier, clock)() == {}
    assert telegram.calls_to("sendMessage") == []
    clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=SEOUL))
    assert await deliverer(db, kv, notifier, clock)() == {"sent": 1}


async def test_rate_limited_then_sent(
    db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())
    telegram.fail_retry_after("sendMessage", 40)
    assert await deliverer(db, kv, notifier, clock)() == {"retried": 1}
    [notice] = await outbox(db)
    assert notice.status == "pending" and notice.attempts == 1 and "retry in 40" in (notice.last_error or "").lower()
    assert notice.not_before >= clock.utc() + timedelta(seconds=40)
    assert await deliverer(db, kv, notifier, clock)() == {}  # not due yet
    clock.advance(seconds=61)
    assert await deliverer(db, kv, notifier, clock)() == {"sent": 1}
    assert len(telegram.calls_to("sendMessage")) == 2  # the refused one and the delivered one
    assert len(telegram.messages) == 1


async def test_failures_end_in_the_dead_letter(
    db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    world = await build_world(db, holders=2)
    await enqueue(db, world.user_ids, clock.utc())
    telegram.blocked.add(9002)  # permanent: the user blocked the bot
    telegram.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}, times=10)
    job = deliverer(db, kv, notifier, clock)
    assert await job() == {"retried": 2}
    for _ in range(2):
        clock.advance(hours=1)
        await job()
    first, second = await outbox(db)
    assert first.status == "dead" and first.attempts == 3 and first.last_error
    assert second.status == "dead"
    assert telegram.messages == {}


async def test_notices_of_a_user_who_switched_them_off_are_dropped(
    db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())
    async with db.session() as session:
        user = await session.get(User, world.user_ids[0])
        assert user is not None
        user.notify_low_balance = False
        session.add(user)
    assert await deliverer(db, kv, notifier, clock)() == {"dropped": 1}
    [notice] = await outbox(db)
    assert notice.status == "dead" and notice.last_error == "the user switched notices off"
    assert telegram.calls_to("sendMessage") == []


async def test_a_worker_killed_between_send_and_mark_sends_nothing_twice(
    db: Database,
    kv: InProcessStore,
    telegram: FakeTelegram,
    notifier: TelegramNotifier,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())

    async def die(*_: object, **__: object) -> bool:
        raise SimulatedCrash

    with monkeypatch.context() as patched:
        patched.setattr(OutboxRepository, "mark_sent", die)
        with pytest.raises(SimulatedCrash):
            await deliverer(db, kv, notifier, clock)()
    [notice] = await outbox(db)
    assert notice.status == "sending" and len(telegram.calls_to("sendMessage")) == 1
    # A restarted worker cannot take the notice while the dead one's lease lasts ...
    assert await deliverer(db, kv, notifier, clock)() == {}
    # ... and after it, resolves it by its idempotency key: marked sent, not posted again.
    clock.advance(seconds=SETTINGS.lease_s + 1)
    assert await deliverer(db, kv, notifier, clock)() == {"recovered": 1, "sent": 1}
    [notice] = await outbox(db)
    assert notice.status == "sent"
    assert len(telegram.calls_to("sendMessage")) == 1


async def test_a_worker_killed_before_the_send_left_sends_it_once_after_restart(
    db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())

    class DiesBeforeSending:
        channel = "telegram"

        async def send(self, push: object) -> str | None:
            raise SimulatedCrash

    with pytest.raises(SimulatedCrash):
        await deliverer(db, kv, DiesBeforeSending(), clock)()
    clock.advance(seconds=SETTINGS.lease_s + 1)
    assert await deliverer(db, kv, notifier, clock)() == {"recovered": 1, "sent": 1}
    assert len(telegram.calls_to("sendMessage")) == 1


async def test_two_workers_never_send_the_same_notice(db: Database, kv: InProcessStore, clock: FakeClock) -> None:
    world = await build_world(db, holders=4)
    await enqueue(db, world.user_ids, clock.utc(), count=15)
    shared = RecordingNotifier()
    settings = NotifySettings(batch_size=7, telegram_per_second=1000)
    first, second = (deliverer(db, kv, shared, clock, settings) for _ in range(2))
    one, two = await asyncio.gather(first(), second())
    keys = [push.idempotency_key for push in shared.sent]
    assert len(keys) == len(set(keys)) == 60
    assert one.get("sent", 0) + two.get("sent", 0) == 60
    assert {notice.status for notice in await outbox(db)} == {"sent"}


async def test_a_claim_taken_over_after_its_lease_cannot_be_marked_by_the_old_worker(
    db: Database, clock: FakeClock
) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())
    async with db.session() as session:
        [mine] = await OutboxRepository(session).claim_due("old", clock.utc(), clock.utc() + timedelta(seconds=60), 10)
    clock.advance(seconds=61)
    async with db.session() as session:
        outbox_ = OutboxRepository(session)
        assert await outbox_.claim_due("also-old", clock.utc() - timedelta(seconds=120), clock.utc(), 10) == []
        [theirs] = await outbox_.claim_due("new", clock.utc(), clock.utc() + timedelta(seconds=60), 10)
        assert theirs.id == mine.id
        assert not await outbox_.mark_sent(mine.id or 0, "old", clock.utc())
        assert await outbox_.mark_sent(theirs.id or 0, "new", clock.utc())


async def test_the_rate_limit_is_shared_and_spread_over_the_second(kv: InProcessStore) -> None:
    wall = FakeClock(autojump=True)  # each wait for the next window moves the clock there
    settings = NotifySettings(telegram_per_second=30, slack_per_second=1)
    limit = ChannelRateLimit(kv, settings, sleep=wall.sleep, wall=wall)
    other = ChannelRateLimit(kv, settings, sleep=wall.sleep, wall=wall)
    assert limit.windows("telegram") == (10, 3) and limit.windows("slack") == (1, 1)
    assert ChannelRateLimit(kv, NotifySettings(kakao_per_second=25)).windows("kakao") == (5, 5)
    for index in range(60):
        await (limit if index % 2 else other).acquire("telegram")
    # 60 pushes at 30 a second: 3 per tenth of a second, so the last one goes out 1.9 s after the first.
    assert wall.now == pytest.approx(1001.9) and len(wall.slept) == 19
    await limit.acquire("slack")
    await limit.acquire("slack")
    assert wall.now == pytest.approx(1002.0)  # one in the second under way, the next at the start of the next


async def test_an_unexpected_notifier_error_is_a_retry(db: Database, kv: InProcessStore, clock: FakeClock) -> None:
    world = await build_world(db)
    await enqueue(db, world.user_ids, clock.utc())
    broken = RecordingNotifier()
    broken.failures = [DeliveryError("temporary")]

    class Exploding(RecordingNotifier):
        async def send(self, push: object) -> str | None:
            raise RuntimeError("bug")

    assert await deliverer(db, kv, Exploding(), clock)() == {"retried": 1}
    clock.advance(hours=1)
    assert await deliverer(db, kv, broken, clock)() == {"retried": 1}
    clock.advance(hours=1)
    assert await deliverer(db, kv, broken, clock)() == {"sent": 1}
    async with db.session() as session:
        card = (await session.exec(select(MealCard))).first()
    assert card is not None


async def test_a_worker_without_the_users_channel_leaves_the_notice_for_one_that_has_it(
    sqlite_db: Database, kv: InProcessStore, clock: FakeClock
) -> None:
    world = await build_world(sqlite_db)
    await enqueue(sqlite_db, world.user_ids, clock.utc())
    assert await deliverer(sqlite_db, kv, RecordingNotifier("slack"), clock)() == {"no_notifier": 1}
    [notice] = await outbox(sqlite_db)
    assert notice.status == "pending" and notice.attempts == 0 and notice.not_before > clock.utc()
    clock.advance(seconds=SETTINGS.retry_max_s + 1)
    telegram = RecordingNotifier("telegram")
    assert await deliverer(sqlite_db, kv, telegram, clock)() == {"sent": 1}
    assert [push.external_id for push in telegram.sent] == ["9001"]


async def test_from_the_issuer_to_telegram(
    sqlite_db: Database, kv: InProcessStore, telegram: FakeTelegram, notifier: TelegramNotifier, clock: FakeClock
) -> None:
    """The card issuer lowers a balance in the evening; the sync marks the card low and writes the notice at once,
    which waits for the morning and then reaches the holder's Telegram chat."""
    from jobs.issuer.client import CardIssuerClient
    from jobs.issuer.devserver import book_from_database
    from jobs.settings import CardIssuerSettings
    from jobs.sync import BalanceSyncJob
    from tests.jobs.fake_issuer import API_KEY, FakeIssuer

    await build_world(sqlite_db)
    clock.set(datetime(2026, 11, 24, 21, 30, tzinfo=SEOUL))
    async with FakeIssuer(await book_from_database(sqlite_db, clock.utc())) as issuer:
        issuer.book.change("KC-T0001", clock.utc(), balance=3_800)
        client = CardIssuerClient(CardIssuerSettings(base_url=issuer.url, api_key=SecretStr(API_KEY)))
        sync = BalanceSyncJob(
            sqlite_db, client, LowBalanceNotices(sqlite_db, SETTINGS, clock.utc), page_limit=100, clock=clock.utc
        )
        counts = await sync()
        await client.close()
    assert counts["written"] == 1 and counts["low_notices"] == 1
    assert await deliverer(sqlite_db, kv, notifier, clock)() == {}  # quiet hours
    clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=SEOUL))
    assert await deliverer(sqlite_db, kv, notifier, clock)() == {"sent": 1}
    [text] = telegram.sent_texts(9001)
    assert text.startswith("학생1님, 서울 꿈나무카드 잔액이 3,800원 남았어요.") and "참치김밥 3,500원" in text
